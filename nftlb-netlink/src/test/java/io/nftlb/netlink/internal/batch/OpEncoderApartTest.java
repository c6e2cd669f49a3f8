package io.nftlb.netlink.internal.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.plan.Planner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A big batch's held-back elements, encoded on another thread while the rules are encoded,
 * give exactly the batch that one thread writes: the same bytes, and every message still
 * traced to its operation (what a kernel error is reported against).
 */
class OpEncoderApartTest {

    final ExecutorService helper = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        helper.shutdownNow();
    }

    static Transaction fullCommit(int farms) {
        List<Farm> list = new ArrayList<>();
        for (int i = 0; i < farms; i++) {
            list.add(Farm.dnat("10.100." + (i / 250) + "." + (i % 250 + 1)).port(80).named("f" + i).weighted(
                    Backend.of("b1", "10.3.0.10").weight(10), Backend.of("b2", "10.3.0.11").weight(20),
                    Backend.of("b3", "10.3.0.12").weight(30), Backend.of("b4", "10.3.0.13").weight(40)));
        }
        Table table = RulesetCompiler.compile(list).ruleset().tables().get(0);
        return Planner.create(table);
    }

    static Batch encode(Transaction tx, Optional<java.util.concurrent.Executor> helper) {
        Map<String, NamedSet> sets = new HashMap<>();
        tx.ops().forEach(op -> {
            if (op instanceof Op.AddSet a) {
                sets.put(a.set().name(), a.set());
            }
        });
        Batch b = new Batch(7, 4096);
        OpEncoder enc = new OpEncoder(b, (t, n) -> sets.get(n), dev -> 1, helper);
        b.begin(OptionalLong.empty());
        tx.ops().forEach(enc::encode);
        enc.finish();
        b.end();
        return b;
    }

    @Test
    void aBigBatchEncodedApartIsTheSameBatch() {
        Transaction tx = fullCommit(2_000);
        long elements = tx.ops().stream().filter(o -> o instanceof Op.AddSet).mapToLong(o -> ((Op.AddSet) o).set().elements().size()).sum();
        assertTrue(elements > OpEncoder.ENCODE_APART_MIN, elements + " elements: too few to be encoded apart");
        Batch one = encode(tx, Optional.empty());
        Batch two = encode(tx, Optional.of(helper));
        assertEquals(one.writer().position(), two.writer().position());
        assertArrayEquals(Arrays.copyOf(one.writer().array(), one.writer().position()),
                Arrays.copyOf(two.writer().array(), two.writer().position()));
        assertEquals(one.endSeq(), two.endSeq());
        assertEquals(one.entries().size(), two.entries().size());
        for (int i = 0; i < one.entries().size(); i++) {
            Batch.Entry a = one.entries().get(i);
            Batch.Entry b = two.entries().get(i);
            assertEquals(List.of(a.seq(), a.op(), a.what(), a.msgStart(), a.firstElem()),
                    List.of(b.seq(), b.op(), b.what(), b.msgStart(), b.firstElem()), "entry " + i);
            assertArrayEquals(a.elemOffsets(), b.elemOffsets(), "entry " + i);
        }
    }

    /**
     * A helper that never gets to run (descheduled on a busy machine) does not hold the batch
     * up: the committing thread encodes the chunks nobody has claimed, and the batch is the same.
     * When the helper runs later, it finds every chunk claimed and changes nothing.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aStalledHelperDoesNotHoldTheBatchUp() {
        Transaction tx = fullCommit(2_000);
        List<Runnable> stalled = new ArrayList<>();
        Batch alone = encode(tx, Optional.empty());
        Batch withStalledHelper = encode(tx, Optional.of(stalled::add));
        assertEquals(1, stalled.size(), "the elements were handed to the helper");
        byte[] before = Arrays.copyOf(withStalledHelper.writer().array(), withStalledHelper.writer().position());
        stalled.get(0).run();
        assertArrayEquals(Arrays.copyOf(alone.writer().array(), alone.writer().position()), before);
        assertArrayEquals(before, Arrays.copyOf(withStalledHelper.writer().array(), withStalledHelper.writer().position()));
        assertEquals(alone.entries().size(), withStalledHelper.entries().size());
    }

    /**
     * The size estimate the transport allocates a big batch's buffer from covers the batch
     * (else the buffer doubles while encoding), without allocating much more than it needs.
     */
    @Test
    void theEstimateCoversABigBatchWithoutMuchToSpare() {
        for (int farms : new int[] {1, 100, 2_000}) {
            Transaction tx = fullCommit(farms);
            int actual = encode(tx, Optional.empty()).writer().position();
            int estimate = OpEncoder.estimatedBytes(tx.ops());
            assertTrue(estimate >= actual && estimate <= 2 * actual,
                    farms + " farms: estimated " + estimate + " bytes for a batch of " + actual);
        }
    }

    /** An element that cannot be encoded fails the batch with the codec's own exception, as on one thread. */
    @Test
    void anElementThatCannotBeEncodedApartFailsTheBatch() {
        Transaction tx = fullCommit(2_000);
        List<Op> ops = new ArrayList<>(tx.ops());
        int i = 0;
        while (!(ops.get(i) instanceof Op.AddSet a && a.set().elements().size() > 1000)) {
            i++;
        }
        NamedSet big = ((Op.AddSet) ops.get(i)).set();
        List<Element> bad = new ArrayList<>(big.elements());
        bad.add(Element.of(new Expr.Str("x", DataType.STRING)));
        ops.set(i, new Op.AddSet(ops.get(i).table(), big.withElements(bad)));
        Transaction broken = Transaction.of(ops);
        RuntimeException alone = assertThrows(RuntimeException.class, () -> encode(broken, Optional.empty()));
        RuntimeException apart = assertThrows(RuntimeException.class, () -> encode(broken, Optional.of(helper)));
        assertEquals(alone.getClass(), apart.getClass());
        assertEquals(alone.getMessage(), apart.getMessage());
    }
}
