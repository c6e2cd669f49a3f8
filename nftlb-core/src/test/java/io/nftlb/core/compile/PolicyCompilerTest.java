package io.nftlb.core.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Network;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.plan.TablePlanner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.usecases.PolicyCases;
import io.nftlb.core.usecases.UseCases;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Policies: golden text, explain text, bad input, and element-only changes. */
class PolicyCompilerTest {

    @Test
    void policiesCompileToOneIngressChainPerDevice() throws Exception {
        String text = NftText.render(PolicyCompiler.compile(PolicyCases.onDevice("eth0"), UseCases.all()));
        assertEquals(RulesetCompilerTest.golden("policies.nft", text), text);
    }

    @Test
    void explainSaysWhereWhatAndToWhom() throws Exception {
        String text = PolicyCompiler.explain(PolicyCases.onDevice("eth0").get(1), UseCases.all());
        assertEquals(RulesetCompilerTest.golden("explain-policy.txt", text), text);
    }

    /** A logged drop: one rule without a rate, and with one the log in a rule of its own so the limit never stops the drop. */
    @Test
    void loggedPoliciesLogBeforeTheyDrop() throws Exception {
        String text = NftText.render(PolicyCompiler.compile(PolicyCases.logged("eth0"), UseCases.all()));
        assertEquals(RulesetCompilerTest.golden("policies-logged.nft", text), text);
        List<String> staff = text.lines().filter(l -> l.contains("@policy4-staff")).map(String::strip).toList();
        assertEquals(List.of(
                "meta l4proto . ip daddr . th dport @policy4-staff-farms ip saddr != @policy4-staff"
                        + " limit rate 10/minute burst 20 packets log prefix \"[WL,dual,staff]\"",
                "meta l4proto . ip daddr . th dport @policy4-staff-farms ip saddr != @policy4-staff drop"), staff);
        String explained = PolicyCompiler.explain(PolicyCases.logged("eth0").get(1), UseCases.all());
        assertEquals(RulesetCompilerTest.golden("explain-policy-logged.txt", explained), explained);
        assertThrows(InvalidFarmException.class, () -> Policy.blacklist("p").log("a\"b"));
    }

    @Test
    void aFarmPolicyCoversOnlyThatFarmsServices() {
        Policy staff = PolicyCases.onDevice("eth0").get(1);
        int v4 = PolicyCompiler.services(staff, UseCases.all(), false).size();
        int v6 = PolicyCompiler.services(staff, UseCases.all(), true).size();
        assertEquals(List.of(1, 1), List.of(v4, v6), "farm dual serves tcp 10.0.0.45 . 80 and fd00::45 . 80");
    }

    @Test
    void badNetworksAreRefusedByName() {
        assertEquals("policy \"p\": network \"10.0.0.1/24\": has host bits set (the network is 10.0.0.0/24)",
                assertThrows(InvalidFarmException.class, () -> Policy.blacklist("p").networks("10.0.0.1/24"))
                        .getMessage());
        assertEquals("policy \"p\": network 10.0.0.5 overlaps 10.0.0.0/24",
                assertThrows(InvalidFarmException.class,
                        () -> Policy.blacklist("p").networks("10.0.0.0/24", "10.0.0.5")).getMessage());
        assertEquals("policy \"p\": network \"10.0.0.9-10.0.0.1\": ends before it starts",
                assertThrows(InvalidFarmException.class, () -> Policy.blacklist("p").networks("10.0.0.9-10.0.0.1"))
                        .getMessage());
        assertEquals("policy \"p\": network \"host.example\": \"host.example\" is not an IPv4 or IPv6 address",
                assertThrows(InvalidFarmException.class, () -> Policy.blacklist("p").networks("host.example"))
                        .getMessage());
        assertTrue(assertThrows(InvalidFarmException.class, () -> Policy.blacklist("p").on("a-very-long-device-name"))
                .getMessage().startsWith("policy \"p\": device \"a-very-long-device-name\" is not a device name"));
        assertThrows(InvalidFarmException.class,
                () -> PolicyCompiler.compile(List.of(Policy.blacklist("p"), Policy.whitelist("p")), List.of()));
    }

    @Test
    void addingNetworksIsElementOnly() {
        List<Policy> before = PolicyCases.onDevice("eth0");
        Table from = PolicyCompiler.compile(before, UseCases.all());
        Table to = PolicyCompiler.compile(List.of(before.get(0).networks("172.16.0.0/12", "fd00:7::1"), before.get(1)),
                UseCases.all());
        Transaction tx = TablePlanner.diff(Optional.of(from), to);
        assertEquals(List.of("add element netdev nftlb policy4-bad (1 elements)",
                        "add element netdev nftlb policy6-bad (1 elements)"),
                tx.ops().stream().map(Op::describe).toList(), NftText.render(tx));
    }

    @Test
    void removingAFarmRemovesItsServicesOnly() {
        List<Policy> policies = PolicyCases.onDevice("eth0");
        Table from = PolicyCompiler.compile(policies, UseCases.all());
        Table to = PolicyCompiler.compile(policies, UseCases.all().stream().filter(f -> !f.name().equals("rr")).toList());
        Transaction tx = TablePlanner.diff(Optional.of(from), to);
        assertEquals(List.of("delete element netdev nftlb policy4-bad-farms (1 elements)"),
                tx.ops().stream().map(Op::describe).toList(), NftText.render(tx));
    }

    @Test
    void networksParseAsWritten() {
        assertEquals(List.of("10.0.0.3", "192.168.0.0/16", "10.9.0.1-10.9.0.9", "fd00:9::/64", "::/0"),
                List.of(Network.parse("10.0.0.3"), Network.parse("192.168.0.0/16"), Network.parse("10.9.0.1-10.9.0.9"),
                        Network.parse("fd00:9::/64"), Network.parse("::/0")).stream().map(Network::toString).toList());
    }
}
