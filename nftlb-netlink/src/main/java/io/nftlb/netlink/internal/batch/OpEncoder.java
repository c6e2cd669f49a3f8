package io.nftlb.netlink.internal.batch;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.TableRef;
import io.nftlb.netlink.internal.codec.Nl;
import io.nftlb.netlink.internal.lin.AnonSets;
import io.nftlb.netlink.internal.lin.Linearizer;
import io.nftlb.netlink.internal.lin.Objects;
import io.nftlb.netlink.internal.lin.SetElements;
import io.nftlb.netlink.internal.lin.Sets;
import io.nftlb.netlink.internal.msg.KChain;
import io.nftlb.netlink.internal.msg.KFlowtable;
import io.nftlb.netlink.internal.msg.KObj;
import io.nftlb.netlink.internal.msg.KRule;
import io.nftlb.netlink.internal.msg.KSet;
import io.nftlb.netlink.internal.msg.KTable;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiFunction;

/** Writes the messages of each {@link Op} into a {@link Batch}, with nft's message flags. */
public final class OpEncoder {

    private final Batch batch;
    private final BiFunction<TableRef, String, NamedSet> sets;
    private int nextSetId = 1;
    /**
     * Elements of sets added in this batch, held back until the batch needs them. A rule that
     * looks up a map makes the kernel walk every element of that map once per binding chain
     * ({@code nf_tables_bind_set} → {@code nf_tables_bind_check_setelem}): with the elements
     * already in, N farm chains using one shared map cost O(N × elements). Sending the elements
     * after the rules makes each bind walk an empty set. Held-back elements are sent before any
     * op that is not an addition (so deletions and flushes see them), and by {@link #finish()}.
     */
    private final List<Deferred> deferred = new java.util.ArrayList<>();
    private int deferredElements;
    /**
     * Held-back elements handed to {@link #helper} to encode apart, in order: a big batch's
     * elements (90,000 for 10,000 farms) are about half of its encoding, and they can be
     * encoded while this thread linearizes the rules that go before them.
     */
    private final List<ElementChunk> encodedApart = new java.util.ArrayList<>();
    private final Optional<java.util.concurrent.Executor> helper;
    /** Below this many held-back elements, handing them to another thread costs more than it saves. */
    static final int ENCODE_APART_MIN = 8_192;

    /**
     * Bytes a set element takes in a batch, rounded up (an interval is two kernel elements): with
     * {@link #estimatedBytes} a big batch's buffer is allocated once instead of doubling from
     * 256 KB, which was a quarter of what encoding 10,000 farms allocated.
     */
    static final int ELEMENT_BYTES = 80;
    /** Bytes a rule takes in a batch, rounded up (a farm's rule is about 300). */
    static final int RULE_BYTES = 320;
    /** Bytes any other message takes in a batch, rounded up. */
    static final int MESSAGE_BYTES = 192;

    /** About how many bytes the batch of {@code ops} takes, a little more rather than less. */
    public static int estimatedBytes(List<Op> ops) {
        long n = 0;
        for (Op op : ops) {
            n += switch (op) {
                case Op.AddRule a -> RULE_BYTES;
                case Op.AddSet a -> MESSAGE_BYTES + (long) a.set().elements().size() * ELEMENT_BYTES;
                case Op.AddElements a -> MESSAGE_BYTES + (long) a.elements().size() * ELEMENT_BYTES;
                case Op.DeleteElements d -> MESSAGE_BYTES + (long) d.elements().size() * ELEMENT_BYTES;
                default -> MESSAGE_BYTES;
            };
        }
        return (int) Math.min(n, Integer.MAX_VALUE - 16);
    }

    /** A set added in this batch whose elements are held back. */
    private record Deferred(TableRef table, int family, NamedSet set, OptionalInt id, Optional<Op> op) {}

    /** Ids of the sets added in this batch ("table\0name"): rules refer to them by name and id, as nft does. */
    private final java.util.Map<String, Integer> batchSetIds = new java.util.HashMap<>();

    /** @param sets the set definitions known for a table (sets added earlier in the batch included) */
    public OpEncoder(Batch batch, BiFunction<TableRef, String, NamedSet> sets) {
        this(batch, sets, dev -> {
            throw new UnsupportedOperationException("device " + dev
                    + ": its ifindex in the target namespace is needed and no resolver was given");
        });
    }

    /** @param ifindex a device name to its index in the target namespace (fwd, dup) */
    public OpEncoder(Batch batch, BiFunction<TableRef, String, NamedSet> sets,
            java.util.function.ToIntFunction<String> ifindex) {
        this(batch, sets, ifindex, Optional.empty());
    }

    /**
     * @param helper where the elements of big batches are encoded while this thread goes on
     *     with the rules (the result is the same bytes, in the same order)
     */
    public OpEncoder(Batch batch, BiFunction<TableRef, String, NamedSet> sets,
            java.util.function.ToIntFunction<String> ifindex, Optional<java.util.concurrent.Executor> helper) {
        this.batch = batch;
        this.sets = sets;
        this.ifindex = ifindex;
        this.helper = helper;
    }

    private final java.util.function.ToIntFunction<String> ifindex;

    public void encode(Op op) {
        TableRef t = op.table();
        int fam = t.family().nfproto();
        Optional<Op> o = Optional.of(op);
        if (!(op instanceof Op.AddTable || op instanceof Op.AddChain || op instanceof Op.AddRule
                || op instanceof Op.AddSet || op instanceof Op.AddObject || op instanceof Op.AddFlowtable)) {
            finish();
        }
        switch (op) {
            case Op.AddTable a -> batch.add(Nl.NFT_MSG_NEWTABLE, 0, fam, w -> new KTable(t.name(), 0).encode(w), o);
            case Op.DeleteTable d -> batch.add(Nl.NFT_MSG_DELTABLE, 0, fam, w -> w.str(1, t.name()), o);
            case Op.AddChain a -> batch.add(Nl.NFT_MSG_NEWCHAIN, Nl.NLM_F_CREATE, fam,
                    w -> chain(t, a.chain()).encode(w), o);
            case Op.FlushChain f -> batch.add(Nl.NFT_MSG_DELRULE, 0, fam,
                    w -> w.str(1, t.name()).str(2, f.chain()), o);
            case Op.DeleteChain d -> batch.add(Nl.NFT_MSG_DELCHAIN, 0, fam,
                    w -> KChain.encodeRef(w, t.name(), d.chain()), o);
            case Op.AddRule a -> {
                encodeHeldBackApart();
                Linearizer.Result r = Linearizer.linearize(t.family(), t.name(), a.chain(), a.rule(),
                        n -> sets.apply(t, n), () -> nextSetId++, ifindex);
                for (AnonSets s : r.anonSets()) {
                    KSet ks = s.set();
                    batch.add(Nl.NFT_MSG_NEWSET, Nl.NLM_F_CREATE, fam, ks::encode, o, " (anonymous set)");
                    batch.addElements(Nl.NFT_MSG_NEWSETELEM, Nl.NLM_F_CREATE, fam, t.name(), ks.name(), ks.id(),
                            s.elements(), o, " (anonymous set elements)");
                }
                KRule rule = withSetIds(t, r.rule());
                batch.add(Nl.NFT_MSG_NEWRULE, Nl.NLM_F_CREATE | Nl.NLM_F_APPEND, fam, rule::encode, o);
            }
            case Op.DeleteRule d -> batch.add(Nl.NFT_MSG_DELRULE, 0, fam,
                    w -> KRule.encodeRef(w, t.name(), d.chain(), d.handle()), o);
            case Op.AddSet a -> {
                OptionalInt id = OptionalInt.of(nextSetId++);
                batchSetIds.put(t.name() + "\0" + a.set().name(), id.getAsInt());
                KSet ks = Sets.toKernel(t.name(), a.set(), id);
                batch.add(Nl.NFT_MSG_NEWSET, Nl.NLM_F_CREATE, fam, ks::encode, o);
                if (!a.set().elements().isEmpty()) {
                    deferred.add(new Deferred(t, fam, a.set(), id, o));
                    deferredElements += a.set().elements().size();
                }
            }
            case Op.DeleteSet d -> batch.add(Nl.NFT_MSG_DELSET, 0, fam, w -> KSet.encodeRef(w, t.name(), d.set()), o);
            case Op.FlushSet f -> batch.add(Nl.NFT_MSG_DELSETELEM, 0, fam, w -> KSet.encodeRef(w, t.name(), f.set()),
                    o);
            case Op.AddElements a -> batch.addElements(Nl.NFT_MSG_NEWSETELEM, Nl.NLM_F_CREATE, fam, t.name(), a.set(),
                    OptionalInt.empty(), SetElements.toKernel(sets.apply(t, a.set()), a.elements(), false), o, "");
            case Op.DeleteElements d -> batch.addElements(Nl.NFT_MSG_DELSETELEM, 0, fam, t.name(), d.set(),
                    OptionalInt.empty(), SetElements.toKernel(sets.apply(t, d.set()), d.elements(), true), o, "");
            case Op.AddObject a -> {
                KObj k = Objects.toKernel(t.name(), a.object());
                batch.add(Nl.NFT_MSG_NEWOBJ, Nl.NLM_F_CREATE, fam, k::encode, o);
            }
            case Op.DeleteObject d -> batch.add(Nl.NFT_MSG_DELOBJ, 0, fam,
                    w -> KObj.encodeRef(w, t.name(), d.object().name(), Objects.type(d.object())), o);
            case Op.AddFlowtable a -> batch.add(Nl.NFT_MSG_NEWFLOWTABLE, Nl.NLM_F_CREATE, fam,
                    w -> flowtable(t, a.flowtable()).encode(w), o);
            case Op.DeleteFlowtable d -> batch.add(Nl.NFT_MSG_DELFLOWTABLE, 0, fam,
                    w -> KFlowtable.encodeRef(w, t.name(), d.flowtable()), o);
            // The hook's number and priority are the flowtable's: the kernel (5.8+) refuses a
            // removal that names another. (nft 1.0.6 always sends priority 0, which only works
            // for a flowtable at priority 0; then its bytes are these.)
            case Op.DeleteFlowtableDevices d -> batch.add(Nl.NFT_MSG_DELFLOWTABLE, 0, fam,
                    w -> new KFlowtable(t.name(), d.flowtable(), 0, d.priority(), d.devices(), 0).encode(w), o);
        }
    }

    /**
     * Adds the batch set id to lookups and dynset updates of sets created in this batch (nft
     * sends both name and id; the kernel resolves either, the golden bytes want both).
     */
    private KRule withSetIds(TableRef t, KRule rule) {
        if (batchSetIds.isEmpty() || rule.exprs().stream().noneMatch(e -> e instanceof io.nftlb.netlink.internal.expr.Lookup
                || e instanceof io.nftlb.netlink.internal.expr.Dynset)) {
            return rule; // most rules of a big batch (farms' scheduling rules) name no set
        }
        List<io.nftlb.netlink.internal.expr.KExpr> exprs = new java.util.ArrayList<>(rule.exprs().size());
        boolean changed = false;
        for (io.nftlb.netlink.internal.expr.KExpr e : rule.exprs()) {
            if (e instanceof io.nftlb.netlink.internal.expr.Lookup l && l.setId().isEmpty()
                    && batchSetIds.containsKey(t.name() + "\0" + l.set())) {
                e = new io.nftlb.netlink.internal.expr.Lookup(l.set(),
                        OptionalInt.of(batchSetIds.get(t.name() + "\0" + l.set())), l.sreg(), l.dreg(), l.flags());
                changed = true;
            } else if (e instanceof io.nftlb.netlink.internal.expr.Dynset d && d.setId().isEmpty()
                    && batchSetIds.containsKey(t.name() + "\0" + d.set())) {
                e = new io.nftlb.netlink.internal.expr.Dynset(d.set(),
                        OptionalInt.of(batchSetIds.get(t.name() + "\0" + d.set())), d.op(), d.sregKey(), d.sregData(),
                        d.timeoutMs(), d.flags(), d.expr());
                changed = true;
            }
            exprs.add(e);
        }
        return changed ? new KRule(rule.table(), rule.chain(), rule.handle(), exprs, rule.userdata()) : rule;
    }

    /** Sends the elements held back so far; call before ending the batch. */
    public void finish() {
        // The helper claims chunks from the first on; this thread claims what is left from the
        // last back, so neither waits while the other has chunks not yet started (the helper
        // may be descheduled on a busy machine, or this thread may be done with the rules first).
        for (int i = encodedApart.size() - 1; i >= 0; i--) {
            encodedApart.get(i).encodeUnlessClaimed();
        }
        for (ElementChunk chunk : encodedApart) {
            batch.append(joined(chunk.encoded));
        }
        encodedApart.clear();
        for (Deferred d : deferred) {
            encodeElements(batch, d);
        }
        deferred.clear();
        deferredElements = 0;
    }

    /** Hands the elements held back so far to the helper, if there is one and they are many. */
    private void encodeHeldBackApart() {
        if (helper.isEmpty() || deferredElements < ENCODE_APART_MIN) {
            return;
        }
        List<ElementChunk> chunks = ElementChunk.split(deferred);
        try {
            helper.get().execute(() -> chunks.forEach(ElementChunk::encodeUnlessClaimed));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return; // the helper is shut down (the transport is closing): this thread encodes them
        }
        encodedApart.addAll(chunks);
        deferred.clear();
        deferredElements = 0;
    }

    /**
     * Whole sets' held-back elements, encoded into a batch of their own by whichever thread
     * claims them first. Chunks end at set boundaries, so the bytes are those one thread writes
     * (a set's elements are never split: a kernel error names an element by its index in the set).
     */
    private static final class ElementChunk {
        /** About this many elements a chunk: several chunks a big batch, so the two threads can share them out. */
        static final int ELEMENTS = 4_096;

        final List<Deferred> sets;
        final int elements;
        final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.CompletableFuture<Batch> encoded = new java.util.concurrent.CompletableFuture<>();

        ElementChunk(List<Deferred> sets, int elements) {
            this.sets = sets;
            this.elements = elements;
        }

        static List<ElementChunk> split(List<Deferred> deferred) {
            List<ElementChunk> out = new java.util.ArrayList<>();
            List<Deferred> sets = new java.util.ArrayList<>();
            int n = 0;
            for (Deferred d : deferred) {
                sets.add(d);
                n += d.set().elements().size();
                if (n >= ELEMENTS) {
                    out.add(new ElementChunk(List.copyOf(sets), n));
                    sets.clear();
                    n = 0;
                }
            }
            if (!sets.isEmpty()) {
                out.add(new ElementChunk(List.copyOf(sets), n));
            }
            return out;
        }

        /** Encodes the chunk on this thread unless another has claimed it; an exception is kept for {@link #joined}. */
        void encodeUnlessClaimed() {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                Batch apart = new Batch(0, Math.max(4096, elements * ELEMENT_BYTES));
                sets.forEach(d -> encodeElements(apart, d));
                encoded.complete(apart);
            } catch (Throwable t) {
                encoded.completeExceptionally(t);
            }
        }
    }

    private static void encodeElements(Batch into, Deferred d) {
        into.addElements(Nl.NFT_MSG_NEWSETELEM, Nl.NLM_F_CREATE, d.family(), d.table().name(), d.set().name(), d.id(),
                SetElements.toKernel(d.set(), d.set().elements(), false), d.op(), " (elements)");
    }

    /** The chunk, or what its encoding threw, as if it had been thrown here. */
    private static Batch joined(java.util.concurrent.CompletableFuture<Batch> chunk) {
        try {
            return chunk.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    static KChain chain(TableRef t, Chain c) {
        return new KChain(t.name(), c.name(), c.hook().map(h -> new KChain.Hook(h.type().keyword(), h.point().number(),
                h.priority(), h.policy() == io.nftlb.core.ast.Verdict.Kind.ACCEPT ? 1 : 0, h.device())));
    }

    static KFlowtable flowtable(TableRef t, Flowtable f) {
        return new KFlowtable(t.name(), f.name(), 0, f.priority(), f.devices(),
                f.counter() ? KFlowtable.FLAG_COUNTER : 0);
    }
}
