package io.nftlb.netlink;

import static io.nftlb.core.ast.DataType.INTEGER;
import static io.nftlb.core.ast.DataType.MARK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.netlink.internal.batch.Batch;
import io.nftlb.netlink.internal.batch.OpEncoder;
import io.nftlb.netlink.internal.codec.Nl;
import io.nftlb.netlink.internal.codec.NlMsg;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes: what the encoder writes for small cases, compared with what nft 1.0.6 sends for
 * the same ruleset. Each {@code src/test/resources/golden/*.golden} file starts with its
 * provenance (the {@code nlcap.py} command, which records nft's {@code sendmsg} like
 * {@code nft --debug=mnl}, the versions, and the nft text), then one line per message:
 * {@code TYPE FLAGS SEQ HEX}. The comparison ignores what nft and nftlb legitimately do
 * differently, the sequence numbers and the port id; the length, type, flags (neither asks
 * for an acknowledgement of a message inside the batch) and everything from the nfgenmsg on
 * must be equal.
 * A failure prints both messages as a hexdump of 4 bytes per line, with {@code !} on rows that
 * differ.
 */
class GoldenBytesTest {

    static final TableRef IP_T = new TableRef(Family.IP, "t");
    static final Expr.Ct CT_MARK = new Expr.Ct(CtKey.MARK);

    @Test
    void table() {
        assertGolden("table.golden", List.of(new Op.AddTable(IP_T)));
    }

    @Test
    void baseChain() {
        assertGolden("basechain.golden", List.of(new Op.AddTable(IP_T), new Op.AddChain(IP_T, Chain.base("pre",
                Chain.Hook.of(Chain.ChainType.NAT, Chain.HookPoint.PREROUTING, Chain.PRIORITY_DSTNAT), List.of()))));
    }

    @Test
    void mapWithElements() {
        NamedSet dnat4 = NamedSet.map("dnat4", CT_MARK, new Expr.Payload(PayloadField.IP_DADDR), Set.of())
                .withElements(List.of(Element.of(LbRuleset.i(1, MARK), LbRuleset.ip("10.1.0.10")),
                        Element.of(LbRuleset.i(2, MARK), LbRuleset.ip("10.1.0.11"))));
        assertGolden("map.golden", List.of(new Op.AddTable(IP_T), new Op.AddSet(IP_T, dnat4)));
    }

    @Test
    void intervalMapAndARuleLookingItUp() {
        NamedSet sched = NamedSet.map("sched", new Expr.Numgen(Expr.NumgenType.RANDOM, 10000, 0), CT_MARK,
                Set.of(SetFlag.INTERVAL));
        Chain farmWeb = Chain.regular("farm-web", List.of(Rule.of(new Stmt.CtSet(CtKey.MARK,
                new Expr.MapLookup(new Expr.Numgen(Expr.NumgenType.INC, 2, 0), new Expr.SetRef("sched"), MARK)))));
        Table t = Table.of(Family.INET, "nftlb", List.of(sched), List.of(farmWeb));
        TableRef ref = new TableRef(Family.INET, "nftlb");
        assertGolden("maprule.golden", List.of(new Op.AddTable(ref), new Op.AddChain(ref, farmWeb),
                new Op.AddSet(ref, sched), new Op.AddRule(ref, "farm-web", t.chains().get(0).rules().get(0))));
    }

    /**
     * The flow offload of a compiled farm (its set, flowtable with counters, and forward rule) is
     * what nft sends for the same text: proof of the encoding on a kernel that lacks flowtables.
     */
    @Test
    void flowOffloadOfACompiledFarm() {
        Farm farm = Farm.snat("10.0.0.60").port(80).named("web").offload("lo").weighted(Backend.of("w1", "10.1.0.10"));
        Table compiled = RulesetCompiler.compile(List.of(farm)).ruleset().tables().get(0);
        NamedSet offloaded = compiled.sets().stream().filter(s -> s.name().equals("offloaded")).findFirst()
                .orElseThrow().withElements(List.of());
        Chain forward = compiled.chains().stream().filter(c -> c.name().equals("forward")).findFirst().orElseThrow();
        TableRef ref = new TableRef(Family.INET, "nftlb");
        assertGolden("offload.golden", List.of(new Op.AddTable(ref),
                new Op.AddChain(ref, Chain.base(forward.name(), forward.hook().orElseThrow(), List.of())),
                new Op.AddSet(ref, offloaded), new Op.AddFlowtable(ref, compiled.flowtables().get(0)),
                new Op.AddRule(ref, forward.name(), forward.rules().get(0))));
    }

    /**
     * A flowtable's devices changed in place: devices added by a NEWFLOWTABLE on the flowtable
     * that exists, removed by a DELFLOWTABLE that names them. The bytes are nft's for the text
     * the renderer writes (the capture's provenance quotes it), proof of the encoding on a kernel
     * that lacks flowtables.
     */
    @Test
    void flowtableDevicesAddedAndRemovedInPlace() {
        TableRef ref = new TableRef(Family.INET, "nftlb");
        List<Op> ops = List.of(new Op.AddTable(ref),
                new Op.AddFlowtable(ref, new io.nftlb.core.ast.Flowtable("fastpath", 0, List.of("lo"), true)),
                new Op.AddFlowtable(ref, new io.nftlb.core.ast.Flowtable("fastpath", 0, List.of("veth0"), true)),
                new Op.DeleteFlowtableDevices(ref, "fastpath", 0, List.of("lo", "veth0")));
        assertGolden("flowtable-devices.golden", ops);
        List<String> nftText = load("flowtable-devices.golden").provenance().stream()
                .filter(l -> l.startsWith("# | ")).map(l -> l.substring(4)).toList();
        assertEquals(nftText, io.nftlb.core.render.NftText.render(Transaction.of(ops)).lines().toList(),
                "the renderer writes the commands nft was given");
    }

    /**
     * A delete from a map keyed by a concatenation, with an ether address as data, at netdev:
     * the implied matches of key and data come first, each in register 1, as nft emits them.
     */
    @Test
    void dynsetDeleteWithItsImpliedMatchesFirst() {
        Expr key = new Expr.Concat(List.of(new Expr.Payload(PayloadField.IP_SADDR),
                new Expr.Payload(PayloadField.IP_DADDR), new Expr.Payload(PayloadField.TH_DPORT)));
        Expr ether = new Expr.Payload(PayloadField.ETHER_DADDR);
        NamedSet p4 = NamedSet.map("p4", key, ether, Set.of(SetFlag.DYNAMIC, SetFlag.TIMEOUT)).withSize(1000);
        Chain c = Chain.regular("c", List.of(Rule.of(new Stmt.SetUpdate(Stmt.SetOp.DELETE, "p4", key,
                java.util.Optional.of(ether), java.util.Optional.empty(), java.util.Optional.empty()))));
        TableRef ref = new TableRef(Family.NETDEV, "t");
        assertGolden("dsrdelete.golden", List.of(new Op.AddTable(ref), new Op.AddChain(ref,
                Chain.regular("c", List.of())), new Op.AddSet(ref, p4), new Op.AddRule(ref, "c", c.rules().get(0))));
    }

    @Test
    void aDifferenceIsShownAsAFourBytesPerLineHexdump() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> assertBytes("demo", HexFormat.of().parseHex("0800010002000000"),
                        HexFormat.of().parseHex("0800010003000000")));
        assertTrue(e.getMessage().contains("! 0004  02 00 00 00 | 03 00 00 00"), e.getMessage());
    }

    // ---- helpers

    record Golden(List<String> provenance, List<byte[]> messages) {}

    static Golden load(String name) {
        try (InputStream in = GoldenBytesTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no golden file " + name);
            }
            List<String> prov = new ArrayList<>();
            List<byte[]> msgs = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#")) {
                    prov.add(line);
                } else if (!line.isBlank()) {
                    String[] f = line.trim().split(" ");
                    msgs.add(HexFormat.of().parseHex(f[3]));
                }
            }
            return new Golden(prov, msgs);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertGolden(String name, List<Op> ops) {
        Golden g = load(name);
        List<byte[]> want = g.messages().stream().filter(m -> !isBatchDelimiter(type(m))).toList();
        List<byte[]> got = encode(ops).stream().filter(m -> !isBatchDelimiter(type(m))).toList();
        String where = name + "\n" + String.join("\n", g.provenance());
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
            assertEquals(type(want.get(i)), type(got.get(i)), where + "\nmessage #" + i + ": type");
            assertBytes(where + "\nmessage #" + i + " (type 0x" + Integer.toHexString(type(want.get(i)))
                    + "), header seq/portid masked", masked(want.get(i)), masked(got.get(i)));
        }
        assertEquals(want.size(), got.size(), where + "\nnumber of messages");
    }

    static List<byte[]> encode(List<Op> ops) {
        Map<String, NamedSet> sets = new HashMap<>();
        for (Op op : ops) {
            if (op instanceof Op.AddSet a) {
                sets.put(a.set().name(), a.set());
            }
        }
        Batch b = new Batch(1, 4096);
        OpEncoder enc = new OpEncoder(b, (t, n) -> sets.get(n));
        b.begin(OptionalLong.empty());
        Transaction.of(ops).ops().forEach(enc::encode);
        enc.finish();
        b.end();
        List<byte[]> out = new ArrayList<>();
        byte[] all = b.writer().array();
        for (NlMsg m : NlMsg.parse(all, b.writer().position())) {
            out.add(java.util.Arrays.copyOfRange(all, m.offset(), m.offset() + m.length()));
        }
        return out;
    }

    static int type(byte[] m) {
        return (m[4] & 0xff) | (m[5] & 0xff) << 8;
    }

    static boolean isBatchDelimiter(int type) {
        return type == Nl.NFNL_MSG_BATCH_BEGIN || type == Nl.NFNL_MSG_BATCH_END;
    }

    /** Seq and port id zeroed: the bytes that must match. */
    static byte[] masked(byte[] m) {
        byte[] c = m.clone();
        for (int i = 8; i < 16; i++) {
            c[i] = 0;
        }
        return c;
    }

    /** Fails with a side-by-side hexdump, 4 bytes per line, rows that differ marked with !. */
    static void assertBytes(String what, byte[] want, byte[] got) {
        if (java.util.Arrays.equals(want, got)) {
            return;
        }
        StringBuilder sb = new StringBuilder(what).append("\n         want        |     got\n");
        int rows = (Math.max(want.length, got.length) + 3) / 4;
        for (int r = 0; r < rows; r++) {
            String w = row(want, r * 4);
            String g = row(got, r * 4);
            sb.append(w.equals(g) ? "  " : "! ").append(String.format("%04x  ", r * 4)).append(w).append(" | ")
                    .append(g).append('\n');
        }
        sb.append("lengths: want ").append(want.length).append(", got ").append(got.length);
        fail(sb.toString());
    }

    static String row(byte[] b, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = at; i < at + 4; i++) {
            s.append(i < b.length ? String.format("%02x", b[i] & 0xff) : "  ");
            if (i < at + 3) {
                s.append(' ');
            }
        }
        return s.toString();
    }
}
