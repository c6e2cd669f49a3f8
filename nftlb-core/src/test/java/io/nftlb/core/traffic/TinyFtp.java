package io.nftlb.core.traffic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The least of FTP that shows a conntrack helper at work: a server that answers USER, PASS,
 * PASV (announcing its own address and a fresh port) and RETR (sending a fixed payload on the
 * data connection), and a client that follows the announced port on the address it dialled, as
 * FTP clients behind NAT do.
 */
final class TinyFtp {

    private TinyFtp() {}

    /** A fixed payload: 64 KiB of a pattern, so a short or garbled transfer shows. */
    static byte[] payload() {
        byte[] b = new byte[64 * 1024];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8));
        }
        return b;
    }

    /** Serves one control connection at a time on {@code port}, on threads of {@code threads}; close to stop. */
    static ServerSocket serve(ThreadFactory threads, InetAddress address, int port) throws Exception {
        ServerSocket[] listening = new ServerSocket[1];
        Object ready = new Object();
        Thread t = threads.newThread(() -> {
            try (ServerSocket control = new ServerSocket()) {
                control.setReuseAddress(true);
                control.bind(new InetSocketAddress(address, port));
                synchronized (ready) {
                    listening[0] = control;
                    ready.notifyAll();
                }
                while (!control.isClosed()) {
                    try (Socket c = control.accept()) {
                        session(c, address);
                    } catch (IOException e) {
                        // next session, or closed
                    }
                }
            } catch (IOException e) {
                synchronized (ready) {
                    ready.notifyAll();
                }
            }
        });
        t.start();
        synchronized (ready) {
            while (listening[0] == null && t.isAlive()) {
                ready.wait(100);
            }
        }
        if (listening[0] == null) {
            throw new IOException("the FTP server did not start on port " + port);
        }
        return listening[0];
    }

    private static void session(Socket c, InetAddress address) throws IOException {
        c.setSoTimeout(5000);
        BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
        PrintWriter out = new PrintWriter(c.getOutputStream(), true, StandardCharsets.US_ASCII);
        reply(out, "220 tiny ftp");
        ServerSocket data = null;
        try {
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.split(" ")[0].toUpperCase();
                switch (cmd) {
                    case "USER" -> reply(out, "331 password please");
                    case "PASS" -> reply(out, "230 logged in");
                    case "TYPE" -> reply(out, "200 type set");
                    case "PASV" -> {
                        data = new ServerSocket(0, 1, address);
                        data.setSoTimeout(5000);
                        byte[] a = address.getAddress();
                        int p = data.getLocalPort();
                        reply(out, String.format("227 Entering Passive Mode (%d,%d,%d,%d,%d,%d)", a[0] & 0xff,
                                a[1] & 0xff, a[2] & 0xff, a[3] & 0xff, p >> 8, p & 0xff));
                    }
                    case "RETR" -> {
                        if (data == null) {
                            reply(out, "425 use PASV first");
                            continue;
                        }
                        reply(out, "150 sending");
                        try (Socket d = data.accept(); OutputStream o = d.getOutputStream()) {
                            o.write(payload());
                        } catch (IOException e) {
                            reply(out, "425 no data connection: " + e.getMessage());
                            continue;
                        } finally {
                            data.close();
                            data = null;
                        }
                        reply(out, "226 done");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 not implemented");
                }
            }
        } finally {
            if (data != null) {
                data.close();
            }
        }
    }

    private static void reply(PrintWriter out, String line) {
        out.print(line + "\r\n");
        out.flush();
    }

    /** What a passive download saw: the 227 line, and the bytes received (null if the data connection failed). */
    record Download(String pasvReply, byte[] received, String failure) {}

    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");

    /** Logs in, asks for passive mode, and fetches a file from the announced port of {@code server}. */
    static Download download(String server, int port) throws IOException {
        try (Socket c = new Socket()) {
            c.connect(new InetSocketAddress(server, port), 2000);
            c.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(),
                    StandardCharsets.US_ASCII));
            PrintWriter out = new PrintWriter(c.getOutputStream(), true, StandardCharsets.US_ASCII);
            expect(in, "220");
            send(out, "USER anonymous");
            expect(in, "331");
            send(out, "PASS x");
            expect(in, "230");
            send(out, "PASV");
            String pasv = expect(in, "227");
            Matcher m = PASV.matcher(pasv);
            if (!m.find()) {
                throw new IOException("no address in " + pasv);
            }
            int dataPort = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
            try (Socket d = new Socket()) {
                // Dial the announced port on the address of the control connection.
                d.connect(new InetSocketAddress(server, dataPort), 2000);
                d.setSoTimeout(5000);
                send(out, "RETR file");
                expect(in, "150");
                byte[] got = readAll(d.getInputStream());
                expect(in, "226");
                return new Download(pasv, got, null);
            } catch (IOException e) {
                return new Download(pasv, null, e.toString());
            }
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static void send(PrintWriter out, String line) {
        out.print(line + "\r\n");
        out.flush();
    }

    private static String expect(BufferedReader in, String code) throws IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith(code)) {
            throw new IOException("expected " + code + ", got " + line);
        }
        return line;
    }
}
