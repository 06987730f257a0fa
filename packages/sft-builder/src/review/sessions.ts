import { createHash, randomBytes } from "node:crypto";
import type { Catalog } from "@soro/core";
import type { ReviewUser, Role } from "./users.js";

/** A signed-in reviewer: who, and the token that must accompany every state-changing request. */
export interface Session extends ReviewUser {
  tokenHash: string;
  csrf: string;
  expiresAt: number;
}

/** How long a session lasts without signing in again. */
export const SESSION_HOURS = 12;

/** The stored form of a session token: only its hash reaches the catalog. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Opens a session for a user and returns the cookie token (kept only by the browser) and the session. */
export async function createSession(
  catalog: Catalog,
  user: ReviewUser,
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString("base64url");
  const csrf = randomBytes(24).toString("base64url");
  const expiresAt = Date.now() + SESSION_HOURS * 3600_000;
  const tokenHash = hashToken(token);
  await catalog.conn.run(
    `INSERT INTO sft_review_sessions (token_hash, username, csrf_token, expires_at) VALUES ($1, $2, $3, make_timestamp($4::BIGINT * 1000))`,
    [tokenHash, user.username, csrf, expiresAt],
  );
  return { token, session: { ...user, tokenHash, csrf, expiresAt } };
}

/** The live session a token hash names, or null (unknown or expired). */
export async function findSession(catalog: Catalog, tokenHash: string): Promise<Session | null> {
  const rows = await catalog.rows(
    `SELECT s.csrf_token, epoch_ms(s.expires_at) AS expires, u.username, u.display_name, u.role
     FROM sft_review_sessions s JOIN sft_review_users u USING (username)
     WHERE s.token_hash = $1 AND epoch_ms(s.expires_at) > $2`,
    [tokenHash, Date.now()],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    username: String(r.username),
    display_name: String(r.display_name),
    role: r.role as Role,
    tokenHash,
    csrf: String(r.csrf_token),
    expiresAt: Number(r.expires),
  };
}

/** Ends a session. */
export async function deleteSession(catalog: Catalog, tokenHash: string): Promise<void> {
  await catalog.conn.run("DELETE FROM sft_review_sessions WHERE token_hash = $1", [tokenHash]);
}
