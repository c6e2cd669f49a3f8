package io.nftlb.netlink;

import static io.nftlb.core.ast.DataType.INET_PROTO;
import static io.nftlb.core.ast.DataType.INET_SERVICE;
import static io.nftlb.core.ast.DataType.INTEGER;
import static io.nftlb.core.ast.DataType.MARK;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.ast.Verdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A representative load-balancer ruleset, as AST and as nft text. */
final class LbRuleset {
    private LbRuleset() {}

    static final TableRef T = new TableRef(Family.INET, "nftlb");

    static final String NFT = """
            table inet nftlb {
              map sched { typeof numgen random mod 10000 : ct mark; flags interval; }
              map farms4 { typeof meta l4proto . ip daddr . th dport : verdict; }
              map dnat4 { typeof ct mark : ip daddr; }
              map dnat4port { typeof ct mark : ip daddr . th dport; }
              map snat4 { typeof ct mark : ip saddr; }
              set masq { typeof ct mark; }
              map persist4 { typeof ip saddr . ip daddr . th dport : ct mark; flags dynamic,timeout; size 65536; }
              chain farm-web { ct mark set numgen inc mod 2 map @sched; }
              chain farm-w2 { ct mark set numgen random mod 10000 offset 10000 map @sched; }
              chain prerouting { type filter hook prerouting priority mangle; policy accept;
                ct state new meta l4proto . ip daddr . th dport vmap @farms4
              }
              chain nat-prerouting { type nat hook prerouting priority dstnat; policy accept;
                dnat ip to ct mark map @dnat4
                meta l4proto { tcp, udp } dnat ip to ct mark map @dnat4port
              }
              chain nat-postrouting { type nat hook postrouting priority srcnat; policy accept;
                ct mark @masq masquerade
                snat ip to ct mark map @snat4
              }
            }
            add element inet nftlb sched { 0 : 0x1, 1 : 0x2, 10000-16665 : 0x3, 16666-19999 : 0x4 }
            add element inet nftlb farms4 { tcp . 10.0.0.40 . 80 : goto farm-web }
            add element inet nftlb dnat4 { 0x1 : 10.1.0.10, 0x2 : 10.1.0.11 }
            add element inet nftlb dnat4port { 0x3 : 10.1.0.10 . 8080 }
            add element inet nftlb masq { 0x3 }
            """;

    static Expr.Payload p(PayloadField f) {
        return new Expr.Payload(f);
    }

    static Expr.Int i(long v, DataType t) {
        return new Expr.Int(v, t);
    }

    static Expr.Addr ip(String s) {
        try {
            return new Expr.Addr(InetAddress.getByName(s));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Expr.Concat cat(Expr... parts) {
        return new Expr.Concat(List.of(parts));
    }

    static final Expr.Ct CT_MARK = new Expr.Ct(CtKey.MARK);

    static Table table() {
        NamedSet sched = NamedSet.map("sched", new Expr.Numgen(Expr.NumgenType.RANDOM, 10000, 0), CT_MARK,
                Set.of(SetFlag.INTERVAL)).withElements(List.of(
                        Element.of(i(0, INTEGER), i(1, MARK)), Element.of(i(1, INTEGER), i(2, MARK)),
                        Element.of(new Expr.Range(i(10000, INTEGER), i(16665, INTEGER)), i(3, MARK)),
                        Element.of(new Expr.Range(i(16666, INTEGER), i(19999, INTEGER)), i(4, MARK))));
        Expr farmKey = cat(new Expr.Meta(MetaKey.L4PROTO), p(PayloadField.IP_DADDR), p(PayloadField.TH_DPORT));
        NamedSet farms4 = NamedSet.verdictMap("farms4", farmKey, Set.of()).withElements(List.of(
                Element.of(cat(i(6, INET_PROTO), ip("10.0.0.40"), i(80, INET_SERVICE)),
                        new Expr.VerdictValue(Verdict.goTo("farm-web")))));
        NamedSet dnat4 = NamedSet.map("dnat4", CT_MARK, p(PayloadField.IP_DADDR), Set.of()).withElements(List.of(
                Element.of(i(1, MARK), ip("10.1.0.10")), Element.of(i(2, MARK), ip("10.1.0.11"))));
        NamedSet dnat4port = NamedSet.map("dnat4port", CT_MARK, cat(p(PayloadField.IP_DADDR), p(PayloadField.TH_DPORT)),
                Set.of()).withElements(List.of(Element.of(i(3, MARK), cat(ip("10.1.0.10"), i(8080, INET_SERVICE)))));
        NamedSet snat4 = NamedSet.map("snat4", CT_MARK, p(PayloadField.IP_SADDR), Set.of());
        NamedSet masq = NamedSet.set("masq", CT_MARK, Set.of()).withElements(List.of(Element.of(i(3, MARK))));
        NamedSet persist4 = NamedSet.map("persist4", cat(p(PayloadField.IP_SADDR), p(PayloadField.IP_DADDR),
                p(PayloadField.TH_DPORT)), CT_MARK, Set.of(SetFlag.DYNAMIC, SetFlag.TIMEOUT)).withSize(65536);

        Chain farmWeb = Chain.regular("farm-web", List.of(Rule.of(new Stmt.CtSet(CtKey.MARK,
                new Expr.MapLookup(new Expr.Numgen(Expr.NumgenType.INC, 2, 0), new Expr.SetRef("sched"), MARK)))));
        Chain farmW2 = Chain.regular("farm-w2", List.of(Rule.of(new Stmt.CtSet(CtKey.MARK,
                new Expr.MapLookup(new Expr.Numgen(Expr.NumgenType.RANDOM, 10000, 10000), new Expr.SetRef("sched"),
                        MARK)))));
        Chain pre = Chain.base("prerouting", Chain.Hook.of(Chain.ChainType.FILTER, Chain.HookPoint.PREROUTING,
                Chain.PRIORITY_MANGLE), List.of(Rule.of(
                        Stmt.Match.eq(new Expr.Ct(CtKey.STATE), i(CtKey.STATE_NEW, DataType.CT_STATE)),
                        new Stmt.VerdictMap(farmKey, new Expr.SetRef("farms4")))));
        Chain natPre = Chain.base("nat-prerouting", Chain.Hook.of(Chain.ChainType.NAT, Chain.HookPoint.PREROUTING,
                Chain.PRIORITY_DSTNAT), List.of(
                        Rule.of(dnat(new Expr.SetRef("dnat4"))),
                        Rule.of(Stmt.Match.eq(new Expr.Meta(MetaKey.L4PROTO), new Expr.AnonSet(List.of(
                                Element.of(i(6, INET_PROTO)), Element.of(i(17, INET_PROTO))))),
                                dnat(new Expr.SetRef("dnat4port")))));
        Chain natPost = Chain.base("nat-postrouting", Chain.Hook.of(Chain.ChainType.NAT, Chain.HookPoint.POSTROUTING,
                Chain.PRIORITY_SRCNAT), List.of(
                        Rule.of(Stmt.Match.eq(CT_MARK, new Expr.SetRef("masq")), new Stmt.Masquerade(Set.of())),
                        Rule.of(new Stmt.Nat(Stmt.NatKind.SNAT, Family.IP, Optional.of(new Expr.MapLookup(CT_MARK,
                                new Expr.SetRef("snat4"), DataType.IPV4_ADDR)), Optional.empty(), Set.of()))));
        return Table.of(Family.INET, "nftlb", List.of(sched, farms4, dnat4, dnat4port, snat4, masq, persist4),
                List.of(farmWeb, farmW2, pre, natPre, natPost));
    }

    static Stmt.Nat dnat(Expr.SetRef map) {
        return new Stmt.Nat(Stmt.NatKind.DNAT, Family.IP, Optional.of(new Expr.MapLookup(CT_MARK, map,
                DataType.IPV4_ADDR)), Optional.empty(), Set.of());
    }
}
