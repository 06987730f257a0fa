import { lookup as dnsLookup } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

/** Address ranges a public-web crawler must never connect to (loopback, private, link-local, CGNAT, ...). */
const FORBIDDEN: Array<[string, number, "ipv4" | "ipv6"]> = [
  ["0.0.0.0", 8, "ipv4"],
  ["10.0.0.0", 8, "ipv4"],
  ["100.64.0.0", 10, "ipv4"], // CGNAT
  ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.0.2.0", 24, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"],
  ["198.51.100.0", 24, "ipv4"],
  ["203.0.113.0", 24, "ipv4"],
  ["224.0.0.0", 4, "ipv4"], // multicast
  ["240.0.0.0", 4, "ipv4"], // reserved and broadcast
  ["::", 128, "ipv6"],
  ["::1", 128, "ipv6"],
  ["64:ff9b::", 96, "ipv6"], // NAT64
  ["100::", 64, "ipv6"],
  ["2001:db8::", 32, "ipv6"],
  ["fc00::", 7, "ipv6"], // unique local
  ["fe80::", 10, "ipv6"], // link-local
  ["ff00::", 8, "ipv6"], // multicast
];

const IPV4_MAPPED = /^(::|(0{1,4}:){5})ffff:/i;

const forbidden = new BlockList();
for (const [net, prefix, family] of FORBIDDEN) forbidden.addSubnet(net, prefix, family);

/** Which addresses a crawl may connect to: public ones, plus any networks explicitly allowed. */
export interface AddressPolicy {
  /** Allow every address (intranets, tests): `--allow-private`. */
  allowPrivate?: boolean;
  /** CIDR blocks allowed although private, e.g. `127.0.0.1/32` for a local test site. */
  allowNetworks?: string[];
}

/** Compiles an address policy into a predicate that says why an IP is refused (null when allowed). */
export function addressGuard(policy: AddressPolicy): (ip: string) => string | null {
  const allowed = new BlockList();
  for (const cidr of policy.allowNetworks ?? []) {
    const [net = "", bits] = cidr.split("/");
    const family = isIP(net) === 6 ? "ipv6" : "ipv4";
    allowed.addSubnet(net, bits ? Number(bits) : family === "ipv6" ? 128 : 32, family);
  }
  return (ip: string) => {
    const v = isIP(ip);
    if (v === 0) return `not an IP address: ${ip}`;
    if (policy.allowPrivate) return null;
    const family = v === 6 ? "ipv6" : "ipv4";
    if (allowed.check(ip, family)) return null;
    // IPv4-mapped IPv6 is refused outright so no IPv4 rule can be dodged. (It is not a BlockList rule because
    // BlockList matches IPv4 inputs against ::ffff:0:0/96, which would refuse every IPv4 address.)
    if (v === 6 && IPV4_MAPPED.test(ip)) return `address ${ip} is IPv4-mapped`;
    return forbidden.check(ip, family) ? `address ${ip} is private, loopback or reserved` : null;
  };
}

/** The error a refused address raises; the fetcher reports it as a `blocked` outcome. */
export class BlockedAddressError extends Error {
  readonly code = "SORO_BLOCKED_ADDRESS";
}

/** A name resolver: host to addresses (injectable so tests can model DNS answers without a DNS server). */
export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

/** The system resolver (getaddrinfo), all addresses. */
export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  );

/**
 * A `lookup` for net.connect that resolves, refuses any forbidden answer, and hands the checked address to the
 * socket, so the address connected is the one checked (no DNS-rebinding window between check and connect).
 */
export function guardedLookup(guard: (ip: string) => string | null, resolver: Resolver): LookupFunction {
  return ((host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolver(host).then(
      (addrs) => {
        for (const a of addrs) {
          const why = guard(a.address);
          // One bad answer refuses the host: a mixed answer is a classic rebinding trick.
          if (why) return callback(new BlockedAddressError(`${host}: ${why}`));
        }
        const [first] = addrs;
        if (!first) return callback(new Error(`no address for ${host}`));
        if (options?.all) return callback(null, addrs);
        return callback(null, first.address, first.family);
      },
      (err: Error) => callback(err),
    );
  }) as LookupFunction;
}

/** Refuses a URL whose host is a literal IP in a forbidden range (net.connect skips lookup for literals). */
export function checkLiteralHost(hostname: string, guard: (ip: string) => string | null): string | null {
  const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? guard(bare) : null;
}
