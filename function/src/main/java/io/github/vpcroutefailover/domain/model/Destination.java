package io.github.vpcroutefailover.domain.model;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * What a route matches: an IPv4 CIDR, an IPv6 CIDR, or a managed prefix list. Always held in canonical form
 * (network address, lower-case IPv6, explicit prefix length) so that "10.1.2.3" and "10.1.2.3/32", or two
 * spellings of one IPv6 network, are the same destination.
 */
public sealed interface Destination extends Comparable<Destination>
        permits Destination.Ipv4Cidr, Destination.Ipv6Cidr, Destination.PrefixList {

    /** The canonical text, as EC2 reports it: "0.0.0.0/0", "2001:db8::/64", "pl-0123abcd". */
    String value();

    @Override
    default int compareTo(Destination o) {
        return value().compareTo(o.value());
    }

    record Ipv4Cidr(String value) implements Destination {
        @Override
        public String toString() {
            return value;
        }
    }

    record Ipv6Cidr(String value) implements Destination {
        @Override
        public String toString() {
            return value;
        }
    }

    record PrefixList(String value) implements Destination {
        @Override
        public String toString() {
            return value;
        }
    }

    Pattern PREFIX_LIST = Pattern.compile("pl-[0-9a-f]{8}([0-9a-f]{9})?");
    Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * Parses a destination. A bare address means a host route (/32 or /128). Host bits set below the prefix
     * are an error rather than silently masked: "10.0.0.1/24" is almost always a typo for a /32 or a /24.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and what is accepted
     */
    static Destination parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("destination is empty; expected an IPv4 CIDR (10.0.0.0/8), an IPv6 CIDR (2001:db8::/32), "
                    + "a bare IP (a /32 or /128 host route) or a prefix list id (pl-0123abcd)");
        }
        String t = text.trim();
        if (t.startsWith("pl-")) {
            if (!PREFIX_LIST.matcher(t).matches()) {
                throw new IllegalArgumentException("'" + t + "' is not a prefix list id; expected pl- followed by 8 or 17 hex digits");
            }
            return new PrefixList(t);
        }
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        boolean v6 = addr.contains(":");
        if (!v6 && !IPV4.matcher(addr).matches()) {
            throw new IllegalArgumentException("'" + t + "' is not a valid CIDR; expected e.g. 10.0.0.0/16, 2001:db8::/64, 192.0.2.10 or pl-0123abcd");
        }
        int max = v6 ? 128 : 32;
        int len;
        if (slash < 0) {
            len = max;
        } else {
            try {
                len = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + t + "' has a prefix length that is not a number");
            }
            if (len < 0 || len > max) {
                throw new IllegalArgumentException("'" + t + "' has prefix length " + len + "; it must be 0.." + max);
            }
        }
        byte[] bytes;
        try {
            if (!v6) {
                for (String octet : addr.split("\\.")) {
                    if (Integer.parseInt(octet) > 255) {
                        throw new IllegalArgumentException("'" + t + "' has an octet above 255");
                    }
                }
            }
            // Literal addresses only: getByName never does a DNS lookup for these forms.
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + t + "' is not a valid IP address");
        }
        if (v6 && bytes.length != 16) {
            throw new IllegalArgumentException("'" + t + "' is an IPv4-mapped address; write the IPv4 form instead");
        }
        BigInteger value = new BigInteger(1, bytes);
        BigInteger hostMask = BigInteger.ONE.shiftLeft(max - len).subtract(BigInteger.ONE);
        if (!value.and(hostMask).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("'" + t + "' has host bits set below /" + len + "; did you mean "
                    + format(value.andNot(hostMask), v6) + "/" + len + " or a host route " + addr + "?");
        }
        String canonical = format(value, v6) + "/" + len;
        return v6 ? new Ipv6Cidr(canonical) : new Ipv4Cidr(canonical);
    }

    private static String format(BigInteger value, boolean v6) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[v6 ? 16 : 4];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            String s = InetAddress.getByAddress(out).getHostAddress();
            return v6 ? compressIpv6(s) : s;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 5952 form (longest zero run as "::", lower case), which is how EC2 prints IPv6 CIDRs. */
    private static String compressIpv6(String full) {
        String[] parts = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < parts.length; ) {
            if (Integer.parseInt(parts[i], 16) == 0) {
                int j = i;
                while (j < parts.length && Integer.parseInt(parts[j], 16) == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && !sb.toString().endsWith(":")) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(Integer.parseInt(parts[i], 16)));
        }
        return sb.toString();
    }
}
