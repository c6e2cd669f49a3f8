package io.nftlb.netlink.internal.transport;

import io.nftlb.core.transport.TransportException;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.Nl;
import io.nftlb.netlink.internal.codec.NlMsg;
import io.nftlb.netlink.internal.sys.Errno;
import io.nftlb.netlink.internal.sys.NetlinkSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One nf_tables netlink socket with its sequence numbers and receive buffer, shared by the
 * commit protocol and the readback: requests, dumps and the generation. Used by one thread at
 * a time (the socket's replies must not interleave).
 */
public final class NftChannel implements AutoCloseable {

    private static final int NFTA_GEN_ID = 1;
    /** How often a dump the kernel reports interrupted (NLM_F_DUMP_INTR) is started again. */
    private static final int DUMP_RESTARTS = 10;

    private final NetlinkSocket socket;
    private final byte[] rx = new byte[1 << 20];
    private int seq = (int) (System.nanoTime() & 0x3fffffff);
    /**
     * Whether replies of an earlier request may still wait on the socket: false only after a
     * commit that read its replies to the end (BATCH_END's acknowledgement, or none left), so
     * that back-to-back commits skip the draining {@code recv}.
     */
    private boolean repliesMayBeQueued = true;

    public NftChannel(NetlinkSocket socket) {
        this.socket = socket;
    }

    NetlinkSocket socket() {
        return socket;
    }

    /** The receive buffer (1 MiB), for reading replies. */
    byte[] rx() {
        return rx;
    }

    /** The next sequence number. */
    int seq() {
        return seq;
    }

    /** Continues numbering at {@code next} (after a batch took its numbers). */
    void seq(int next) {
        seq = next;
    }

    /** Reads what earlier requests left on the socket, unless the last commit read all of it. */
    void drainBeforeSend() {
        if (repliesMayBeQueued) {
            socket.drain(rx);
        }
        repliesMayBeQueued = true;
    }

    /** The replies were read to the end: the next send need not drain. */
    void repliesRead() {
        repliesMayBeQueued = false;
    }

    /** The ruleset generation. */
    public long generation() {
        List<NlMsg> r = request(Nl.NFT_MSG_GETGEN, 0, 0, w -> { });
        for (NlMsg m : r) {
            if (m.type() == Nl.nftType(Nl.NFT_MSG_NEWGEN)) {
                return m.attrs().be32(NFTA_GEN_ID, "generation id");
            }
        }
        throw new TransportException("no generation in the kernel's reply", "EPROTO", Optional.empty());
    }

    /** A dump request; restarted when the kernel reports NLM_F_DUMP_INTR. */
    List<NlMsg> dump(int msg, int family, Consumer<MsgWriter> body) {
        for (int attempt = 0; ; attempt++) {
            List<NlMsg> r = request(msg, family, Nl.NLM_F_DUMP, body);
            boolean intr = r.stream().anyMatch(m -> (m.flags() & Nl.NLM_F_DUMP_INTR) != 0);
            if (!intr || attempt > DUMP_RESTARTS) {
                return r;
            }
        }
    }

    /** Sends one request and collects its replies (until DONE, or the single reply). */
    List<NlMsg> request(int msg, int family, int flags, Consumer<MsgWriter> body) {
        MsgWriter w = new MsgWriter(256);
        int s = seq++;
        int m = w.beginMsg(Nl.nftType(msg), Nl.NLM_F_REQUEST | flags, s, family, 0);
        body.accept(w);
        w.endMsg(m);
        socket.drain(rx);
        repliesMayBeQueued = true; // a reply after the one awaited, or a dump cut short by an exception
        List<NlMsg> out = new ArrayList<>();
        try {
            socket.send(w.array(), w.position());
            boolean dump = (flags & Nl.NLM_F_DUMP) != 0;
            while (true) {
                int n = socket.receive(rx);
                byte[] copy = java.util.Arrays.copyOf(rx, n);
                for (NlMsg r : NlMsg.parse(copy, n)) {
                    if (r.seq() != s) {
                        continue;
                    }
                    if (r.type() == Nl.NLMSG_DONE) {
                        return out;
                    }
                    if (r.type() == Nl.NLMSG_ERROR) {
                        if (r.error() == 0) {
                            return out;
                        }
                        if (-r.error() == 2 && dump) {
                            return out; // ENOENT: nothing to dump
                        }
                        throw new TransportException("request " + msg + " failed: " + Errno.name(-r.error()),
                                Errno.name(-r.error()), Optional.empty());
                    }
                    out.add(r);
                    if (!dump) {
                        return out;
                    }
                }
            }
        } catch (IOException e) {
            throw new TransportException("netlink request failed: " + e.getMessage(), "EIO", Optional.empty(), e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
