package io.nftlb.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.TableRef;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The hint a transport adds to a refusal: read from the errno and the operation, worded as a hint. */
class KernelFeaturesTest {

    static final TableRef T = new TableRef(Family.INET, "t");

    @Test
    void aRefusedFlowtableOrQueueRuleHintsAtTheFeatureItMayLack() {
        String flowtable = KernelFeatures.missing(new Op.AddFlowtable(T, new Flowtable("f", 0, List.of("lo"))), "ENOENT")
                .orElseThrow();
        assertTrue(flowtable.contains("may lack") && flowtable.contains("CONFIG_NF_FLOW_TABLE"), flowtable);
        String queue = KernelFeatures.missing(new Op.AddRule(T, "c", Rule.of(new Stmt.Queue(1, 1, true, false))),
                "EOPNOTSUPP").orElseThrow();
        assertTrue(queue.contains("may lack") && queue.contains("CONFIG_NFT_QUEUE"), queue);
    }

    @Test
    void otherErrnosAndRulesWithoutOptionalFeaturesGetNoHint() {
        assertEquals(Optional.empty(), KernelFeatures.missing(new Op.AddFlowtable(T, new Flowtable("f", 0,
                List.of("lo"))), "EEXIST"));
        assertEquals(Optional.empty(), KernelFeatures.missing(new Op.AddRule(T, "c", Rule.of(new Stmt.Counter())),
                "ENOENT"));
    }
}
