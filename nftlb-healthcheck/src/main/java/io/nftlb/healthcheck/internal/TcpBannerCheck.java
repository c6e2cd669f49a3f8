package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.regex.Pattern;

/**
 * Up when a TCP connection opens and the server's first line (its banner: SMTP, FTP, SSH, or
 * any protocol where the server speaks first) matches a pattern. Its latency includes the
 * server's time to answer, not only the kernel's accept, so least-response-time sees slow
 * servers.
 */
public record TcpBannerCheck(Pattern expected) implements HealthCheck {

    private static final int MAX_LINE = 4096;

    @Override
    public HealthResult probe(Target target) throws Exception {
        try (SocketChannel ch = target.network().tcpChannel()) {
            ch.socket().connect(target.address(), target.timeoutMillis());
            ch.socket().setSoTimeout(target.timeoutMillis());
            // A blocking socket's stream honours SO_TIMEOUT; the channel's own would not.
            InputStream in = ch.socket().getInputStream();
            String line = firstLine(in);
            if (line == null) {
                return HealthResult.down("closed before its banner");
            }
            return expected.matcher(line).find() ? HealthResult.up("banner matched")
                    : HealthResult.down("banner \"" + line + "\" does not match " + expected);
        } catch (SocketTimeoutException e) {
            return HealthResult.down("no banner within " + target.timeoutMillis() + " ms");
        } catch (IOException e) {
            return HealthResult.down(Failures.reason(e));
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                return b.toString().strip();
            }
            if (b.length() < MAX_LINE) {
                b.append((char) c);
            }
        }
        return b.isEmpty() ? null : b.toString();
    }

    @Override
    public String toString() {
        return "tcp-banner " + expected;
    }
}
