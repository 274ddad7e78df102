package jp.kofuhub.printout;

import java.io.ByteArrayOutputStream;

/**
 * Base45 (RFC 9285): two bytes become three characters of the QR code's alphanumeric set, so the
 * code is stored in the QR alphanumeric mode (5.5 bits a character), as in the EU Digital COVID
 * Certificate.
 */
public final class Base45 {

    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    private Base45() {}

    public static String encode(byte[] in) {
        StringBuilder s = new StringBuilder((in.length + 1) / 2 * 3);
        for (int i = 0; i + 1 < in.length; i += 2) {
            int n = ((in[i] & 0xff) << 8) | (in[i + 1] & 0xff);
            s.append(ALPHABET.charAt(n % 45));
            s.append(ALPHABET.charAt(n / 45 % 45));
            s.append(ALPHABET.charAt(n / 2025));
        }
        if (in.length % 2 == 1) {
            int n = in[in.length - 1] & 0xff;
            s.append(ALPHABET.charAt(n % 45));
            s.append(ALPHABET.charAt(n / 45));
        }
        return s.toString();
    }

    /**
     * @throws IllegalArgumentException a character outside the alphabet, a length of 3k+1, or a
     *     group above its byte range
     */
    public static byte[] decode(String s) {
        if (s.length() % 3 == 1) {
            throw new IllegalArgumentException("Base45 text of a bad length");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() * 2 / 3);
        for (int i = 0; i < s.length(); i += 3) {
            int c = value(s.charAt(i)) + value(s.charAt(i + 1)) * 45;
            if (i + 2 < s.length()) {
                c += value(s.charAt(i + 2)) * 2025;
                if (c > 0xffff) {
                    throw new IllegalArgumentException("Base45 group out of range");
                }
                out.write(c >> 8);
                out.write(c & 0xff);
            } else {
                if (c > 0xff) {
                    throw new IllegalArgumentException("Base45 group out of range");
                }
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static int value(char c) {
        int v = ALPHABET.indexOf(c);
        if (v < 0) {
            throw new IllegalArgumentException("not a Base45 character");
        }
        return v;
    }
}
