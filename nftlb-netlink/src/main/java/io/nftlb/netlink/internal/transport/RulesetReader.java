package io.nftlb.netlink.internal.transport;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Verdict;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.codec.Nl;
import io.nftlb.netlink.internal.codec.NlMsg;
import io.nftlb.netlink.internal.lin.Delinearizer;
import io.nftlb.netlink.internal.lin.Objects;
import io.nftlb.netlink.internal.lin.SetElements;
import io.nftlb.netlink.internal.lin.Sets;
import io.nftlb.netlink.internal.lin.Untyped;
import io.nftlb.netlink.internal.msg.KChain;
import io.nftlb.netlink.internal.msg.KElem;
import io.nftlb.netlink.internal.msg.KFlowtable;
import io.nftlb.netlink.internal.msg.KObj;
import io.nftlb.netlink.internal.msg.KRule;
import io.nftlb.netlink.internal.msg.KSet;
import io.nftlb.netlink.internal.msg.KTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Reads a table back from the kernel and decodes it into the AST: its sets with their
 * elements, objects, flowtables, and chains with their rules delinearized.
 */
public final class RulesetReader {

    /** How often a read that spans a ruleset change is done again. */
    public static final int READ_TRIES = 5; // NetlinkTransport.read's Javadoc says five

    private final NftChannel channel;
    private final NamespaceDevices devices;

    public RulesetReader(NftChannel channel, NamespaceDevices devices) {
        this.channel = channel;
        this.devices = devices;
    }

    /**
     * The table, if it exists. A table is read in several dumps (sets, elements, rules,
     * chains), which see one ruleset generation each: a transaction committed between them
     * could give rules that name a set the earlier dump did not have. So the generation is read
     * before and after, and a read that spans a change (or fails to decode while one happened)
     * is done again, up to {@value #READ_TRIES} times.
     */
    public Optional<Table> read(TableRef ref) {
        for (int attempt = 1; ; attempt++) {
            long before = channel.generation();
            Optional<Table> table;
            try {
                table = readOnce(ref);
            } catch (RuntimeException e) {
                if (attempt < READ_TRIES && channel.generation() != before) {
                    continue;
                }
                throw e;
            }
            if (attempt >= READ_TRIES || channel.generation() == before) {
                return table;
            }
        }
    }

    private Optional<Table> readOnce(TableRef ref) {
        int fam = ref.family().nfproto();
        boolean exists = channel.dump(Nl.NFT_MSG_GETTABLE, fam, w -> { }).stream()
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
            NamedSet full = s.withElements(SetElements.fromKernel(s, elements(ref, s.name())));
            all.put(s.name(), full);
            if (!s.name().startsWith("__")) {
                withElements.add(full);
            }
        }
        List<NamedObject> objects = new ArrayList<>();
        for (NlMsg m : channel.dump(Nl.NFT_MSG_GETOBJ, fam, w -> w.str(1, ref.name()))) {
            KObj o = KObj.decode(m.attrs());
            if (o.table().equals(ref.name())) {
                objects.add(Objects.fromKernel(o));
            }
        }
        List<Flowtable> flowtables = new ArrayList<>();
        for (NlMsg m : channel.dump(Nl.NFT_MSG_GETFLOWTABLE, fam, w -> w.str(1, ref.name()))) {
            KFlowtable f = KFlowtable.decode(m.attrs());
            if (f.table().equals(ref.name())) {
                flowtables.add(new Flowtable(f.name(), f.priority(), f.devices(),
                        (f.flags() & KFlowtable.FLAG_COUNTER) != 0));
            }
        }
        Map<String, List<KRule>> rules = new HashMap<>();
        for (NlMsg m : channel.dump(Nl.NFT_MSG_GETRULE, fam, w -> w.str(1, ref.name()))) {
            KRule r = KRule.decode(m.attrs());
            if (r.table().equals(ref.name())) {
                rules.computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<Integer, String> names = new HashMap<>();
        IntFunction<String> deviceNames = i -> names.computeIfAbsent(i, devices::name);
        List<Chain> chains = new ArrayList<>();
        for (NlMsg m : channel.dump(Nl.NFT_MSG_GETCHAIN, fam, w -> w.str(1, ref.name()))) {
            KChain c = KChain.decode(m.attrs());
            if (!c.table().equals(ref.name())) {
                continue;
            }
            List<Rule> decoded = new ArrayList<>();
            for (KRule r : rules.getOrDefault(c.name(), List.of())) {
                decoded.add(Delinearizer.rule(ref.family(), r, all::get, untyped::get, deviceNames));
            }
            chains.add(new Chain(c.name(), c.hook().map(h -> new Chain.Hook(chainType(h.type()),
                    hookPoint(ref.family(), h.hooknum()), h.priority(),
                    h.policy() == 1 ? Verdict.Kind.ACCEPT : Verdict.Kind.DROP, h.device())), decoded));
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
        for (NlMsg m : channel.dump(Nl.NFT_MSG_GETSETELEM, ref.family().nfproto(),
                w -> w.str(1, ref.name()).str(2, set))) {
            m.attrs().find(3).ifPresent(list -> list.nest().all().forEach(a -> ke.add(KElem.decode(a.nest()))));
        }
        return ke;
    }

    /** The named sets of a table, without their elements. */
    Map<String, NamedSet> namedSets(TableRef ref) {
        return readSets(ref, null);
    }

    /** The named sets; with {@code untyped}, also the anonymous ones, those without a key type put there. */
    private Map<String, NamedSet> readSets(TableRef ref, Map<String, Untyped> untyped) {
        boolean anonymous = untyped != null;
        Map<String, NamedSet> out = new HashMap<>();
        for (NlMsg m : channel.dump(Nl.NFT_MSG_GETSET, ref.family().nfproto(), w -> w.str(1, ref.name()))) {
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
}
