package io.nftlb.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads {@code \n}-terminated lines of bounded length from a byte stream. */
public final class LineReader {
    /** Longer lines are refused, so a peer cannot make the reader buffer without end. */
    public static final int MAX_LINE_BYTES = 8192;

    private LineReader() {}

    /**
     * The next line without its terminator ({@code \r\n} is accepted too), or null at end of
     * stream before any byte. A last line without terminator is returned as is.
     *
     * @throws IOException if the line is longer than {@link #MAX_LINE_BYTES}, or on I/O errors
     */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return text(line);
            }
            if (line.size() >= MAX_LINE_BYTES) {
                throw new IOException("line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : text(line);
    }

    private static String text(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
