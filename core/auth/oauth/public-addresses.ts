import { BlockList, isIPv6 } from 'node:net'

/**
 * IPv4 addresses that are not on the public internet: this machine, private and shared networks, link-local,
 * multicast, documentation, benchmarking and reserved ranges (IANA's special-purpose registry).
 */
const IPV4_NOT_PUBLIC = blockList('ipv4', [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['192.175.48.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
])

/**
 * IPv6 addresses that are not on the public internet: everything outside global unicast (2000::/3), so ::, ::1, IPv4-mapped
 * and NAT64 addresses, unique local fc00::/7, link-local fe80::/10 and multicast among them; and inside it the blocks that
 * lead elsewhere (Teredo and other protocol assignments, 6to4) or nowhere (documentation).
 */
const IPV6_NOT_PUBLIC = blockList('ipv6', [
  ['::', 3],
  ['4000::', 2],
  ['8000::', 1],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['3fff::', 20],
])

/** This machine: 127.0.0.0/8, and ::1 or 127.x.x.x mapped into IPv6. */
const LOOPBACK = blockList('ipv4', [['127.0.0.0', 8]])
LOOPBACK.addAddress('::1', 'ipv6')

/** Whether an IP address (v4 or v6, as resolution gives it) is on the public internet. */
export function isPublicAddress(address: string): boolean {
  // Each list is asked only about its own family: BlockList also matches an IPv4 address against IPv6 rules, mapped.
  return isIPv6(address) ? !IPV6_NOT_PUBLIC.check(address, 'ipv6') : !IPV4_NOT_PUBLIC.check(address, 'ipv4')
}

/** Whether an IP address is this machine's loopback. */
export function isLoopbackAddress(address: string): boolean {
  return LOOPBACK.check(address, isIPv6(address) ? 'ipv6' : 'ipv4')
}

function blockList(family: 'ipv4' | 'ipv6', subnets: Array<[string, number]>): BlockList {
  const list = new BlockList()
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, family)
  return list
}
