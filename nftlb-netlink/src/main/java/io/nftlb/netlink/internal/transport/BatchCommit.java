package io.nftlb.netlink.internal.transport;

import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.KernelFeatures;
import io.nftlb.core.transport.TransportException;
import io.nftlb.netlink.internal.batch.Batch;
import io.nftlb.netlink.internal.batch.OpEncoder;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.Nl;
import io.nftlb.netlink.internal.codec.NlMsg;
import io.nftlb.netlink.internal.sys.Errno;
import io.nftlb.netlink.internal.sys.NetlinkSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The commit protocol: a transaction encoded as one batch (BATCH_BEGIN, the ops, BATCH_END)
 * with an ACK asked for every message, sent at once, and the kernel's replies read until
 * BATCH_END is acknowledged or none are left; an error names the op it was about.
 */
public final class BatchCommit implements AutoCloseable {

    /**
     * The largest batch array kept for the next commit, so that a burst of changes does not
     * allocate a new one each time: the 4 MB of a 10,000-farm load would stay on the heap for
     * good (400 bytes a farm, on a budget of about 2.6 KB a farm), for the benefit of the next
     * full load, which is rare.
     */
    private static final int MAX_KEPT_BUFFER = 256 << 10;

    private final NftChannel channel;
    private final SetDefinitions sets;
    private final NamespaceDevices devices;
    private byte[] batchBuffer = new byte[8192];
    /**
     * Encodes the elements of big batches while the committing thread encodes their rules
     * ({@link OpEncoder}): at 10,000 farms that halves the 30-60 ms the batch takes to encode.
     * Its one thread starts with the first big batch and ends after a minute without one.
     */
    private final ThreadPoolExecutor encoder = new ThreadPoolExecutor(0, 1, 1, TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(), r -> Thread.ofPlatform().daemon().name("nftlb-netlink-encoder").unstarted(r));

    /** @param reader reads the definitions of sets this transport did not commit */
    public BatchCommit(NftChannel channel, RulesetReader reader, NamespaceDevices devices) {
        this.channel = channel;
        this.sets = new SetDefinitions(reader::namedSets);
        this.devices = devices;
    }

    /** Commits {@code tx} as one kernel transaction, or throws naming what the kernel refused. */
    public void commit(Transaction tx) {
        if (tx.isEmpty()) {
            return;
        }
        Map<TableRef, Map<String, NamedSet>> pending = new HashMap<>();
        int estimate = OpEncoder.estimatedBytes(tx.ops());
        Batch batch = new Batch(channel.seq(), estimate > batchBuffer.length ? new byte[estimate] : batchBuffer);
        Map<String, Integer> ifindexes = new HashMap<>();
        OpEncoder enc = new OpEncoder(batch, (t, name) -> sets.definition(pending, t, name),
                dev -> ifindexes.computeIfAbsent(dev, devices::ifindex), Optional.of(encoder));
        batch.begin(tx.expectedGeneration());
        for (Op op : tx.ops()) {
            try {
                enc.encode(op);
            } catch (IllegalArgumentException | UnsupportedOperationException | CodecException e) {
                throw new TransportException(op.describe() + ": " + e.getMessage(), "EINVAL", Optional.of(op), e);
            }
            if (op instanceof Op.AddSet a) {
                pending.computeIfAbsent(a.table(), k -> new HashMap<>()).put(a.set().name(), a.set());
            }
        }
        try {
            enc.finish();
        } catch (IllegalArgumentException | UnsupportedOperationException | CodecException e) {
            throw new TransportException("set elements: " + e.getMessage(), "EINVAL", Optional.empty(), e);
        }
        batch.end();
        channel.seq(batch.nextSeq());
        MsgWriter w = batch.writer();
        if (w.array().length <= MAX_KEPT_BUFFER) {
            batchBuffer = w.array();
        }
        send(batch, w);
        readReplies(batch);
        sets.committed(tx.ops());
        // No error after draining means committed (kernels before 6.10 never ack BATCH_END).
    }

    private void send(Batch batch, MsgWriter w) {
        NetlinkSocket socket = channel.socket();
        socket.setBuffers(w.position() + (64 << 10), batch.maxReplies() * 1024 + (64 << 10));
        channel.drainBeforeSend();
        try {
            socket.send(w.array(), w.position());
        } catch (NetlinkSocket.NetlinkIoException e) {
            throw new TransportException("sending the batch failed: " + e.getMessage(), Errno.name(e.errno()),
                    Optional.empty(), e);
        } catch (IOException e) {
            throw new TransportException("sending the batch failed: " + e.getMessage(), "EIO", Optional.empty(), e);
        }
    }

    /** Reads the replies; throws the first error, with all of them attached when there are several. */
    private void readReplies(Batch batch) {
        byte[] rx = channel.rx();
        List<String> errors = new ArrayList<>();
        TransportException first = null;
        try {
            int n;
            boolean committed = false;
            while (!committed && (n = channel.socket().poll(rx)) >= 0) {
                for (NlMsg m : NlMsg.parse(rx, n)) {
                    if (m.type() != Nl.NLMSG_ERROR) {
                        continue;
                    }
                    int err = m.error();
                    if (err == 0) {
                        // BATCH_END's acknowledgement (kernels >= 6.10): the commit, and the last reply
                        committed = m.errorSeq() == batch.endSeq();
                        continue;
                    }
                    TransportException te = error(batch, m, -err);
                    errors.add(te.getMessage());
                    if (first == null) {
                        first = te;
                    }
                }
            }
            channel.repliesRead();
        } catch (NetlinkSocket.NetlinkIoException e) {
            throw new TransportException("reading the kernel's replies failed (" + e.getMessage()
                    + "): outcome unknown, re-read the ruleset", Errno.name(e.errno()), Optional.empty(), e);
        } catch (IOException e) {
            throw new TransportException("reading replies failed: " + e.getMessage(), "EIO", Optional.empty(), e);
        }
        if (first != null) {
            if (errors.size() > 1) {
                first.addSuppressed(new TransportException("all errors of the batch: " + errors, first.errno(),
                        Optional.empty()));
            }
            throw first;
        }
    }

    private static TransportException error(Batch batch, NlMsg m, int errno) {
        Optional<Batch.Entry> e = batch.entry(m.errorSeq());
        String name = Errno.name(errno);
        StringBuilder msg = new StringBuilder();
        if (e.isEmpty() || e.get().seq() == batch.beginSeq()) {
            msg.append(errno == 85 ? "ruleset generation changed (optimistic concurrency check failed)"
                    : "the kernel rejected the transaction");
        } else {
            msg.append(e.get().what());
            Optional<Integer> off = m.extackOffset();
            int[] offsets = e.get().elemOffsets();
            if (off.isPresent() && offsets.length > 0) {
                int idx = -1;
                for (int i = 0; i < offsets.length; i++) {
                    if (offsets[i] <= off.get()) {
                        idx = i;
                    }
                }
                if (idx >= 0) {
                    msg.append(": kernel element #").append(e.get().firstElem() + idx);
                }
            }
        }
        msg.append(": ").append(name);
        m.extackMessage().ifPresent(t -> msg.append(" (").append(t).append(')'));
        // what the op needed that the kernel lacks, when its errno says so
        e.flatMap(Batch.Entry::op).flatMap(op -> KernelFeatures.missing(op, name))
                .ifPresent(f -> msg.append(": ").append(f));
        return new TransportException(msg.toString(), name, e.flatMap(Batch.Entry::op));
    }

    @Override
    public void close() {
        encoder.shutdown();
    }
}
