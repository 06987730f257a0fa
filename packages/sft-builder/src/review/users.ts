import { type Catalog, UsageError } from "@soro/core";
import { hashPassword } from "./passwords.js";
import { ensureReviewTables } from "./schema.js";

/** What a reviewer may do: annotators review; leads also see agreement, adjudicate and read the audit log. */
export type Role = "annotator" | "lead";

/** A reviewer account as the app shows it (never with its hash). */
export interface ReviewUser {
  username: string;
  display_name: string;
  role: Role;
}

const NAME = /^[\p{L}\p{N}._-]{2,40}$/u;

/** Creates an account, or with `replace` resets its password, name and role. */
export async function addUser(
  catalog: Catalog,
  user: { username: string; password: string; role: Role; displayName?: string; replace?: boolean },
): Promise<ReviewUser> {
  if (!NAME.test(user.username))
    throw new UsageError(
      `soro sft users: bad user name ${JSON.stringify(user.username)}`,
      "use 2-40 letters, digits, dot, dash or underscore",
    );
  if (user.role !== "annotator" && user.role !== "lead")
    throw new UsageError(`soro sft users: unknown role ${user.role}`, "use annotator or lead");
  if (user.password.length < 8)
    throw new UsageError("soro sft users: password shorter than 8 characters", "choose a longer password");
  await ensureReviewTables(catalog);
  const exists = await catalog.rows("SELECT 1 FROM sft_review_users WHERE username = $1", [user.username]);
  if (exists.length && !user.replace)
    throw new UsageError(
      `soro sft users: ${user.username} exists`,
      "pass --replace to reset the password and role",
    );
  const hash = await hashPassword(user.password);
  const displayName = user.displayName ?? user.username;
  await catalog.conn.run(
    `INSERT INTO sft_review_users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
       password_hash = excluded.password_hash`,
    [user.username, displayName, user.role, hash],
  );
  // A reset password ends the account's open sessions.
  await catalog.conn.run("DELETE FROM sft_review_sessions WHERE username = $1", [user.username]);
  return { username: user.username, display_name: displayName, role: user.role };
}

/** All accounts, by name. */
export async function listUsers(catalog: Catalog): Promise<ReviewUser[]> {
  await ensureReviewTables(catalog);
  return (await catalog.rows(
    "SELECT username, display_name, role FROM sft_review_users ORDER BY username",
  )) as unknown as ReviewUser[];
}
