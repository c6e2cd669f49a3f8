package io.nftlb.netlink.internal.batch;

import io.nftlb.core.ast.Op;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.Nl;
import io.nftlb.netlink.internal.msg.KElem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One nf_tables transaction on the wire: BATCH_BEGIN, messages with consecutive sequence
 * numbers, BATCH_END. Remembers which {@link Op} (and which element) each message carries, so a
 * kernel error can be traced back.
 *
 * <p>Only BATCH_END asks for an acknowledgement (NLM_F_ACK); the messages do not, as with
 * {@code nft}: the kernel reports an error of any message whether it was asked to or not, and
 * it handles the whole batch inside the sender's {@code sendmsg}, so once that returns, every
 * error is queued and no error means committed. Kernels from 6.10 acknowledge BATCH_END only
 * when the batch commits, after any other reply, so the reader can stop there. An
 * acknowledgement per message cost the kernel an skb and the reader a message each, about
 * 20,000 of them for 10,000 farms. Element lists are split so that no
 * {@code NFTA_SET_ELEM_LIST_ELEMENTS} nest exceeds 65,535 bytes.
 */
public final class Batch {

    static final int ELEM_LIST_TABLE = 1, ELEM_LIST_SET = 2, ELEM_LIST_ELEMENTS = 3, ELEM_LIST_SET_ID = 4;
    static final int MAX_NEST = 0xffff;

    /**
     * What one message of the batch was about.
     *
     * @param detail what the message carries of its op (" (elements)"), or, for a message of no
     *     op, all there is to say ("batch begin")
     */
    public record Entry(int seq, Optional<Op> op, String detail, int msgStart, int[] elemOffsets, int firstElem) {
        /**
         * The op's description and the detail. Put together only when asked (for an error):
         * describing each of a big batch's 11,000 ops up front built a string per op that only an error reads.
         */
        public String what() {
            return op.map(o -> o.describe() + detail).orElse(detail);
        }
    }

    private final MsgWriter w;
    private final List<Entry> entries = new ArrayList<>();
    private int seq;
    private final int firstSeq;
    private int endSeq = -1;

    public Batch(int firstSeq, int capacity) {
        this(firstSeq, new MsgWriter(capacity));
    }

    /** A batch written into {@code buffer} (grown if needed: {@code writer().array()}). */
    public Batch(int firstSeq, byte[] buffer) {
        this(firstSeq, new MsgWriter(buffer));
    }

    private Batch(int firstSeq, MsgWriter writer) {
        this.w = writer;
        this.seq = firstSeq;
        this.firstSeq = firstSeq;
    }

    public int beginSeq() {
        return firstSeq;
    }

    public int endSeq() {
        return endSeq;
    }

    public int nextSeq() {
        return seq;
    }

    public List<Entry> entries() {
        return entries;
    }

    public MsgWriter writer() {
        return w;
    }

    public void begin(OptionalLong genid) {
        int m = w.beginMsg(Nl.NFNL_MSG_BATCH_BEGIN, Nl.NLM_F_REQUEST, seq, 0,
                Nl.NFNL_SUBSYS_NFTABLES);
        genid.ifPresent(g -> w.be32(Nl.NFNL_BATCH_GENID, g));
        w.endMsg(m);
        entries.add(new Entry(seq++, Optional.empty(), "batch begin", m, new int[0], 0));
    }

    public void end() {
        endSeq = seq;
        int m = w.beginMsg(Nl.NFNL_MSG_BATCH_END, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq++, 0, Nl.NFNL_SUBSYS_NFTABLES);
        w.endMsg(m);
    }

    /** Adds one nf_tables message that carries {@code op} whole. */
    public void add(int nftMsg, int flags, int family, Consumer<MsgWriter> body, Optional<Op> op) {
        add(nftMsg, flags, family, body, op, "");
    }

    /** Adds one nf_tables message (see {@link Entry} for {@code detail}). */
    public void add(int nftMsg, int flags, int family, Consumer<MsgWriter> body, Optional<Op> op, String detail) {
        int m = w.beginMsg(Nl.nftType(nftMsg), Nl.NLM_F_REQUEST | flags, seq, family, 0);
        body.accept(w);
        w.endMsg(m);
        entries.add(new Entry(seq++, op, detail, m, new int[0], 0));
    }

    /** Adds NEWSETELEM/DELSETELEM messages for {@code elems}, as many as the nest limit needs. */
    public void addElements(int nftMsg, int flags, int family, String table, String set, OptionalInt setId,
                            List<KElem> elems, Optional<Op> op, String detail) {
        int i = 0;
        do {
            int m = w.beginMsg(Nl.nftType(nftMsg), Nl.NLM_F_REQUEST | flags, seq, family, 0);
            w.str(ELEM_LIST_TABLE, table).str(ELEM_LIST_SET, set);
            setId.ifPresent(id -> w.be32(ELEM_LIST_SET_ID, id));
            int first = i;
            int[] offsets = new int[Math.min(elems.size() - i, 4096)];
            int count = 0;
            if (i < elems.size()) {
                int nest = w.beginNest(ELEM_LIST_ELEMENTS);
                while (i < elems.size()) {
                    int before = w.position();
                    int e = w.beginNest(count + 1);
                    elems.get(i).encode(w);
                    w.endNest(e);
                    if (w.position() - nest > MAX_NEST || count == offsets.length) {
                        w.truncate(before);
                        break;
                    }
                    offsets[count++] = before - m;
                    i++;
                }
                w.endNest(nest);
            }
            w.endMsg(m);
            entries.add(new Entry(seq++, op, detail, m, java.util.Arrays.copyOf(offsets, count), first));
        } while (i < elems.size());
    }

    /**
     * Appends the messages of {@code chunk}, a batch of messages only (no begin or end) encoded
     * apart, numbering them on from this batch's sequence.
     */
    public void append(Batch chunk) {
        int base = w.appendMessages(chunk.w);
        for (Entry e : chunk.entries) {
            int start = base + e.msgStart();
            w.setSeq(start, seq);
            entries.add(new Entry(seq++, e.op(), e.detail(), start, e.elemOffsets(), e.firstElem()));
        }
    }

    /** The entry for a sequence number. */
    public Optional<Entry> entry(int s) {
        int idx = s - firstSeq;
        if (idx >= 0 && idx < entries.size() && entries.get(idx).seq() == s) {
            return Optional.of(entries.get(idx));
        }
        return entries.stream().filter(e -> e.seq() == s).findFirst();
    }

    /**
     * How many replies the kernel may queue for this batch: one per message at most (an error;
     * BATCH_BEGIN's and BATCH_END's acknowledgements included), to size the receive buffer.
     */
    public int maxReplies() {
        return entries.size() + 1;
    }
}
