package io.nftlb.netlink;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.KernelFeatures;
import io.nftlb.core.transport.Transport;
import io.nftlb.core.transport.TransportException;
import io.nftlb.netlink.internal.batch.Batch;
import io.nftlb.netlink.internal.batch.OpEncoder;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.Nl;
import io.nftlb.netlink.internal.codec.NlMsg;
import io.nftlb.netlink.internal.lin.Objects;
import io.nftlb.netlink.internal.lin.ReadForm;
import io.nftlb.netlink.internal.lin.Sets;
import io.nftlb.netlink.internal.lin.Untyped;
import io.nftlb.netlink.internal.msg.KChain;
import io.nftlb.netlink.internal.msg.KElem;
import io.nftlb.netlink.internal.msg.KFlowtable;
import io.nftlb.netlink.internal.msg.KObj;
import io.nftlb.netlink.internal.msg.KRule;
import io.nftlb.netlink.internal.msg.KSet;
import io.nftlb.netlink.internal.msg.KTable;
import io.nftlb.netlink.internal.sys.Errno;
import io.nftlb.netlink.internal.sys.LibC;
import io.nftlb.netlink.internal.sys.NetlinkSocket;
import io.nftlb.netlink.internal.sys.Netns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link Transport} that speaks nf_tables netlink directly (libmnl through JNA): every
 * {@link #commit} is one atomic kernel transaction, with an ACK on every message so that an
 * error names the operation it was about. One instance talks to one network namespace and is
 * used by one thread at a time.
 *
 * <pre>{@code
 * try (NetlinkTransport nl = NetlinkTransport.openInNamespace("lb")) {
 *     nl.commit(Transaction.of(ops));
 * }
 * }</pre>
 */
public final class NetlinkTransport implements Transport {

    private static final int NFTA_GEN_ID = 1;

    private final NetlinkSocket socket;
    private final byte[] rx = new byte[1 << 20];
    private int seq = (int) (System.nanoTime() & 0x3fffffff);
    /**
     * Whether replies of an earlier request may still wait on the socket: false only after a
     * commit that read its replies to the end (BATCH_END's acknowledgement, or none left), so
     * that back-to-back commits skip the draining {@code recv}.
     */
    private boolean repliesMayBeQueued = true;
    /**
     * The array the last batch was encoded in, for the next one, so that a burst of changes
     * does not allocate a new one each time. Kept only up to {@link #MAX_KEPT_BUFFER}: the 4 MB
     * of a 10,000-farm load would stay on the heap for good (400 bytes a farm, on a budget of
     * about 2.6 KB a farm), for the benefit of the next full load, which is rare.
     */
    private byte[] batchBuffer = new byte[8192];
    private static final int MAX_KEPT_BUFFER = 256 << 10;
    /**
     * Encodes the elements of big batches while the committing thread encodes their rules
     * ({@link OpEncoder}): at 10,000 farms that halves the 30-60 ms the batch takes to encode.
     * Its one thread starts with the first big batch and ends after a minute without one.
     */
    private final java.util.concurrent.ThreadPoolExecutor encoder = new java.util.concurrent.ThreadPoolExecutor(
            0, 1, 1, java.util.concurrent.TimeUnit.MINUTES, new java.util.concurrent.LinkedBlockingQueue<>(),
            r -> Thread.ofPlatform().daemon().name("nftlb-netlink-encoder").unstarted(r));
    /** Set definitions committed through this transport (the linearizer needs key layouts). */
    private final Map<TableRef, Map<String, NamedSet>> knownSets = new HashMap<>();

    /** The namespace handle the socket was opened in (empty: the opener's own). */
    private final Optional<Path> netns;
    /** Opened on first use; has its own socket, so it may be used while this transport commits. */
    private ConntrackTable connections; // guarded by this

    private NetlinkTransport(NetlinkSocket socket, Optional<Path> netns) {
        this.socket = socket;
        this.netns = netns;
    }

    /** A device's ifindex in this transport's namespace (for fwd and dup), looked up on a platform thread there. */
    private int ifindex(String device) {
        int index = netns.isPresent() ? Netns.call(netns.get(), () -> LibC.if_nametoindex(device))
                : LibC.if_nametoindex(device);
        if (index == 0) {
            throw new IllegalArgumentException("no network device " + device + " in "
                    + netns.map(Path::toString).orElse("the current namespace"));
        }
        return index;
    }

    /** The name of a device in this transport's namespace, for reading back fwd and dup. */
    private String deviceName(int index) {
        String name = netns.isPresent() ? Netns.call(netns.get(), () -> LibC.if_indextoname(index, new byte[16]))
                : LibC.if_indextoname(index, new byte[16]);
        if (name == null) {
            throw new CodecException("a rule names network device " + index + ", which is not in "
                    + netns.map(Path::toString).orElse("the current namespace"));
        }
        return name;
    }

    /** Opens a transport in the caller's network namespace. */
    public static NetlinkTransport open() {
        return new NetlinkTransport(NetlinkSocket.open(Optional.empty()), Optional.empty());
    }

    /** Opens a transport in the named namespace ({@code /var/run/netns/NAME}, as {@code ip netns add}). */
    public static NetlinkTransport openInNamespace(String name) {
        Path handle = Netns.named(name);
        return new NetlinkTransport(NetlinkSocket.open(Optional.of(handle)), Optional.of(handle));
    }

    /** Opens a transport in the namespace at a handle path, e.g. {@code /proc/PID/ns/net}. */
    public static NetlinkTransport openInNamespace(Path handle) {
        return new NetlinkTransport(NetlinkSocket.open(Optional.of(handle)), Optional.of(handle));
    }

    // ---- commit

    @Override
    public void commit(Transaction tx) {
        if (tx.isEmpty()) {
            return;
        }
        Map<TableRef, Map<String, NamedSet>> pending = new HashMap<>();
        int estimate = OpEncoder.estimatedBytes(tx.ops());
        Batch batch = new Batch(seq, estimate > batchBuffer.length ? new byte[estimate] : batchBuffer);
        Map<String, Integer> ifindexes = new HashMap<>();
        OpEncoder enc = new OpEncoder(batch, (t, name) -> setDefinition(pending, t, name),
                dev -> ifindexes.computeIfAbsent(dev, this::ifindex), Optional.of(encoder));
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
        seq = batch.nextSeq();
        MsgWriter w = batch.writer();
        if (w.array().length <= MAX_KEPT_BUFFER) {
            batchBuffer = w.array();
        }
        socket.setBuffers(w.position() + (64 << 10), batch.maxReplies() * 1024 + (64 << 10));
        if (repliesMayBeQueued) {
            socket.drain(rx);
        }
        repliesMayBeQueued = true;
        try {
            socket.send(w.array(), w.position());
        } catch (NetlinkSocket.NetlinkIoException e) {
            throw new TransportException("sending the batch failed: " + e.getMessage(), Errno.name(e.errno()),
                    Optional.empty(), e);
        } catch (IOException e) {
            throw new TransportException("sending the batch failed: " + e.getMessage(), "EIO", Optional.empty(), e);
        }
        List<String> errors = new ArrayList<>();
        TransportException first = null;
        try {
            int n;
            boolean committed = false;
            while (!committed && (n = socket.poll(rx)) >= 0) {
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
            repliesMayBeQueued = false;
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
        // In op order: "add table, delete table, add table, add set..." (replacing a table
        // atomically) must leave the new sets known, not forget them with the old table.
        for (Op op : tx.ops()) {
            switch (op) {
                case Op.AddSet a -> knownSets.computeIfAbsent(a.table(), k -> new HashMap<>())
                        .put(a.set().name(), a.set());
                case Op.DeleteSet d -> {
                    Map<String, NamedSet> sets = knownSets.get(d.table());
                    if (sets != null) {
                        sets.remove(d.set());
                    }
                }
                case Op.DeleteTable d -> knownSets.remove(d.table());
                default -> { }
            }
        }
        // No error after draining means committed (kernels before 6.10 never ack BATCH_END).
    }

    private TransportException error(Batch batch, NlMsg m, int errno) {
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
        e.flatMap(Batch.Entry::op).flatMap(op -> missingFeature(op, errno)).ifPresent(f -> msg.append(": ").append(f));
        return new TransportException(msg.toString(), name, e.flatMap(Batch.Entry::op));
    }

    /** What the op needed that the kernel lacks, when its errno says so (see {@link KernelFeatures}). */
    static Optional<String> missingFeature(Op op, int errno) {
        return KernelFeatures.missing(op, Errno.name(errno));
    }

    private NamedSet setDefinition(Map<TableRef, Map<String, NamedSet>> pending, TableRef t, String name) {
        NamedSet s = pending.getOrDefault(t, Map.of()).get(name);
        if (s == null) {
            s = knownSets.getOrDefault(t, Map.of()).get(name);
        }
        if (s == null) {
            s = readSets(t).get(name);
            if (s != null) {
                knownSets.computeIfAbsent(t, k -> new HashMap<>()).put(name, s);
            }
        }
        if (s == null) {
            throw new IllegalArgumentException("no set " + name + " in table " + t);
        }
        return s;
    }

    // ---- generation

    @Override
    public long generation() {
        List<NlMsg> r = request(Nl.NFT_MSG_GETGEN, 0, 0, w -> { });
        for (NlMsg m : r) {
            if (m.type() == Nl.nftType(Nl.NFT_MSG_NEWGEN)) {
                return m.attrs().be32(NFTA_GEN_ID, "generation id");
            }
        }
        throw new TransportException("no generation in the kernel's reply", "EPROTO", Optional.empty());
    }

    // ---- read form

    /**
     * Each rule linearized and decoded again, in memory, the way {@link #read} decodes the
     * kernel's: implied protocol matches dropped, values typed as the sets they come from.
     */
    @Override
    public Table readForm(Table table) {
        return ReadForm.of(table, this::ifindex);
    }

    // ---- connections

    @Override
    public synchronized Optional<ConnectionTable> connections() {
        if (connections == null) {
            connections = new ConntrackTable(netns);
        }
        return Optional.of(connections);
    }

    // ---- readback

    /**
     * {@inheritDoc}
     *
     * <p>A table is read in several dumps (sets, elements, rules, chains), which see one ruleset
     * generation each: a transaction committed between them could give rules that name a set the
     * earlier dump did not have. So the generation is read before and after, and a read that
     * spans a change (or fails to decode while one happened) is done again, up to
     * {@value #READ_TRIES} times.
     */
    @Override
    public Optional<Table> read(TableRef ref) {
        for (int attempt = 1; ; attempt++) {
            long before = generation();
            Optional<Table> table;
            try {
                table = readOnce(ref);
            } catch (RuntimeException e) {
                if (attempt < READ_TRIES && generation() != before) {
                    continue;
                }
                throw e;
            }
            if (attempt >= READ_TRIES || generation() == before) {
                return table;
            }
        }
    }

    private static final int READ_TRIES = 5;

    private Optional<Table> readOnce(TableRef ref) {
        int fam = ref.family().nfproto();
        boolean exists = dump(Nl.NFT_MSG_GETTABLE, fam, w -> { }).stream()
                .map(m -> KTable.decode(m.attrs())).anyMatch(t -> t.name().equals(ref.name()));
        if (!exists) {
            return Optional.empty();
        }
        Map<String, Untyped> untyped = new HashMap<>();
        Map<String, NamedSet> sets = readSets(ref, untyped);
        for (Map.Entry<String, Untyped> u : untyped.entrySet()) {
            u.setValue(new Untyped(u.getValue().set(), elements(ref, u.getKey())));
        }
        Map<String, NamedSet> all = new HashMap<>();
        List<NamedSet> withElements = new ArrayList<>();
        for (NamedSet s : sets.values()) {
            NamedSet full = s.withElements(Sets.fromKernel(s, elements(ref, s.name())));
            all.put(s.name(), full);
            if (!s.name().startsWith("__")) {
                withElements.add(full);
            }
        }
        List<NamedObject> objects = new ArrayList<>();
        for (NlMsg m : dump(Nl.NFT_MSG_GETOBJ, fam, w -> w.str(1, ref.name()))) {
            KObj o = KObj.decode(m.attrs());
            if (o.table().equals(ref.name())) {
                objects.add(Objects.fromKernel(o));
            }
        }
        List<Flowtable> flowtables = new ArrayList<>();
        for (NlMsg m : dump(Nl.NFT_MSG_GETFLOWTABLE, fam, w -> w.str(1, ref.name()))) {
            KFlowtable f = KFlowtable.decode(m.attrs());
            if (f.table().equals(ref.name())) {
                flowtables.add(new Flowtable(f.name(), f.priority(), f.devices(),
                        (f.flags() & KFlowtable.FLAG_COUNTER) != 0));
            }
        }
        Map<String, List<KRule>> rules = new HashMap<>();
        for (NlMsg m : dump(Nl.NFT_MSG_GETRULE, fam, w -> w.str(1, ref.name()))) {
            KRule r = KRule.decode(m.attrs());
            if (r.table().equals(ref.name())) {
                rules.computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<Integer, String> names = new HashMap<>();
        java.util.function.IntFunction<String> devices = i -> names.computeIfAbsent(i, this::deviceName);
        List<Chain> chains = new ArrayList<>();
        for (NlMsg m : dump(Nl.NFT_MSG_GETCHAIN, fam, w -> w.str(1, ref.name()))) {
            KChain c = KChain.decode(m.attrs());
            if (!c.table().equals(ref.name())) {
                continue;
            }
            List<io.nftlb.core.ast.Rule> decoded = new ArrayList<>();
            for (KRule r : rules.getOrDefault(c.name(), List.of())) {
                decoded.add(io.nftlb.netlink.internal.lin.Delinearizer.rule(ref.family(), r,
                        all::get, untyped::get, devices));
            }
            chains.add(new Chain(c.name(), c.hook().map(h -> new Chain.Hook(chainType(h.type()),
                    hookPoint(ref.family(), h.hooknum()), h.priority(),
                    h.policy() == 1 ? io.nftlb.core.ast.Verdict.Kind.ACCEPT : io.nftlb.core.ast.Verdict.Kind.DROP,
                    h.device())), decoded));
        }
        return Optional.of(new Table(ref.family(), ref.name(), withElements, objects, flowtables, chains));
    }

    private static Chain.ChainType chainType(String s) {
        for (Chain.ChainType t : Chain.ChainType.values()) {
            if (t.keyword().equals(s)) {
                return t;
            }
        }
        throw new CodecException("unknown chain type " + s);
    }

    private static Chain.HookPoint hookPoint(Family f, int n) {
        if (f == Family.NETDEV) {
            return Chain.HookPoint.INGRESS;
        }
        for (Chain.HookPoint p : Chain.HookPoint.values()) {
            if (p != Chain.HookPoint.INGRESS && p.number() == n) {
                return p;
            }
        }
        throw new CodecException("unknown hook " + n);
    }

    /** The kernel elements of one set. */
    private List<KElem> elements(TableRef ref, String set) {
        List<KElem> ke = new ArrayList<>();
        for (NlMsg m : dump(Nl.NFT_MSG_GETSETELEM, ref.family().nfproto(), w -> w.str(1, ref.name()).str(2, set))) {
            m.attrs().find(3).ifPresent(list -> list.nest().all().forEach(a -> ke.add(KElem.decode(a.nest()))));
        }
        return ke;
    }

    private Map<String, NamedSet> readSets(TableRef ref) {
        return readSets(ref, null);
    }

    /** The named sets; with {@code untyped}, also the anonymous ones, those without a key type put there. */
    private Map<String, NamedSet> readSets(TableRef ref, Map<String, Untyped> untyped) {
        boolean anonymous = untyped != null;
        Map<String, NamedSet> out = new HashMap<>();
        for (NlMsg m : dump(Nl.NFT_MSG_GETSET, ref.family().nfproto(), w -> w.str(1, ref.name()))) {
            KSet k = KSet.decode(m.attrs());
            if (!k.table().equals(ref.name())) {
                continue;
            }
            if ((k.flags() & KSet.F_ANONYMOUS) == 0) {
                out.put(k.name(), Sets.fromKernel(k));
            } else if (anonymous) {
                try {
                    out.put(k.name(), Sets.fromKernel(k));
                } catch (CodecException e) {
                    untyped.put(k.name(), new Untyped(k, List.of())); // its key comes from the rule (Sets.anonymous)
                }
            }
        }
        return out;
    }

    /** A dump request; restarted when the kernel reports NLM_F_DUMP_INTR. */
    private List<NlMsg> dump(int msg, int family, Consumer<MsgWriter> body) {
        for (int attempt = 0; ; attempt++) {
            List<NlMsg> r = request(msg, family, Nl.NLM_F_DUMP, body);
            boolean intr = r.stream().anyMatch(m -> (m.flags() & Nl.NLM_F_DUMP_INTR) != 0);
            if (!intr || attempt > 10) {
                return r;
            }
        }
    }

    /** Sends one request and collects its replies (until DONE, or the single reply). */
    private List<NlMsg> request(int msg, int family, int flags, Consumer<MsgWriter> body) {
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
        encoder.shutdown();
        socket.close();
        synchronized (this) {
            if (connections != null) {
                connections.close();
            }
        }
    }
}
