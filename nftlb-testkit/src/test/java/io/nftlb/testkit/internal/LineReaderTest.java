package io.nftlb.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsLinesUntilEndOfStream() throws IOException {
        InputStream in = stream("b0 10.0.0.2 40000\nsecond\r\nlast without newline");

        assertEquals("b0 10.0.0.2 40000", LineReader.readLine(in));
        assertEquals("second", LineReader.readLine(in));
        assertEquals("last without newline", LineReader.readLine(in));
        assertNull(LineReader.readLine(in));
    }

    @Test
    void anEmptyLineIsNotEndOfStream() throws IOException {
        InputStream in = stream("\n");

        assertEquals("", LineReader.readLine(in));
        assertNull(LineReader.readLine(in));
    }

    @Test
    void aLineTooLongIsRefused() {
        InputStream in = stream("x".repeat(LineReader.MAX_LINE_BYTES + 1) + "\n");

        assertThrows(IOException.class, () -> LineReader.readLine(in));
    }
}
