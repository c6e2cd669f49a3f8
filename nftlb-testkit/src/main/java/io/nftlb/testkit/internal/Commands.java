package io.nftlb.testkit.internal;

import io.nftlb.testkit.CommandResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs an external command with a timeout, capturing its output. */
public final class Commands {
    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    /** Output beyond this is dropped, so a runaway command cannot exhaust the heap. */
    private static final int MAX_OUTPUT_BYTES = 64 << 20;

    private Commands() {}

    /**
     * Runs {@code command}, feeding it {@code stdin} (or nothing if null), and waits at most
     * {@code timeout}; a command still running then is killed and reported as timed out.
     */
    public static CommandResult run(List<String> command, String stdin, Duration timeout) {
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start `" + String.join(" ", command) + "`", e);
        }
        // Separate readers and writer: a full pipe on any side must not block the others.
        Drain stdout = new Drain(process.getInputStream());
        Drain stderr = new Drain(process.getErrorStream());
        Thread stdinWriter = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), stdin));
        boolean finished;
        String out;
        String err;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            stdinWriter.join(1000);
            out = stdout.text();
            err = stderr.text();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running `" + String.join(" ", command) + "`", e);
        }
        CommandResult result = new CommandResult(command, finished ? process.exitValue() : -1,
                out, err, !finished);
        if (log.isDebugEnabled()) {
            log.debug("{} -> {} in {} ms", result.commandLine(), finished ? result.exitCode() : "timeout",
                    (System.nanoTime() - started) / 1_000_000);
        }
        return result;
    }

    private static void feed(OutputStream out, String stdin) {
        try (out) {
            if (stdin != null) {
                out.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command exited without reading all of its input; its exit status says why.
            log.debug("stdin not fully consumed: {}", e.toString());
        }
    }

    /** Reads a stream to its end on a virtual thread, keeping at most MAX_OUTPUT_BYTES. */
    private static final class Drain {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread reader;

        Drain(InputStream in) {
            reader = Thread.ofVirtual().start(() -> readAll(in));
        }

        private void readAll(InputStream in) {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (kept) {
                        kept.write(buffer, 0, Math.min(n, Math.max(MAX_OUTPUT_BYTES - kept.size(), 0)));
                    }
                }
            } catch (IOException e) {
                log.debug("output stream ended: {}", e.toString());
            }
        }

        /** Everything read, once the stream ended (or what arrived within 5 s of the process's end). */
        String text() throws InterruptedException {
            reader.join(5000);
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
