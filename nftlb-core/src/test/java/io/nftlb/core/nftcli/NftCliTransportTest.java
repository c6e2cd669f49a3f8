package io.nftlb.core.nftcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** How nft's error output becomes a TransportException (the texts are nft 1.0.6's own). */
class NftCliTransportTest {

    static final TableRef T = new TableRef(Family.INET, "nftlb");
    static final List<Op> OPS = List.of(new Op.AddTable(T), new Op.AddChain(T, Chain.regular("a", List.of())),
            new Op.DeleteChain(T, "nosuch"));

    @Test
    void aKernelErrorNamesItsErrnoAndTheOpOfItsLine() {
        String stderr = """
                /dev/stdin:3:25-30: Error: Could not process rule: No such file or directory
                delete chain inet nftlb nosuch
                                        ^^^^^^
                """;
        TransportException e = NftCliTransport.error(stderr, List.of(1, 2, 3), OPS);
        assertEquals("ENOENT", e.errno());
        assertEquals(Optional.of(OPS.get(2)), e.operation());
        assertTrue(e.getMessage().startsWith("delete chain inet nftlb nosuch: ENOENT (Could not process rule: "
                + "No such file or directory)"), e.getMessage());
    }

    /** An op rendered on several lines: an error on any of them belongs to that op. */
    @Test
    void aLineInsideAnOpBelongsToThatOp() {
        String stderr = "/dev/stdin:4:1-5: Error: Could not process rule: File exists\n";
        TransportException e = NftCliTransport.error(stderr, List.of(1, 2, 5), OPS);
        assertEquals("EEXIST", e.errno());
        assertEquals(Optional.of(OPS.get(1)), e.operation());
    }

    @Test
    void nftsOwnIntervalChecksStandForTheKernelsErrors() {
        assertEquals("ENOENT", NftCliTransport.errno("element does not exist"));
        assertEquals("EEXIST", NftCliTransport.errno("interval overlaps with an existing one"));
        assertEquals("ENFILE", NftCliTransport.errno("Could not process rule: Too many open files in system"));
        assertEquals("EMFILE", NftCliTransport.errno("Could not process rule: Too many open files"));
        assertEquals("EBUSY", NftCliTransport.errno("Could not process rule: Device or resource busy"));
    }

    @Test
    void aSyntaxErrorHasNoErrno() {
        String stderr = "/dev/stdin:1:1-3: Error: syntax error, unexpected junk\njunk\n^^^\n";
        TransportException e = NftCliTransport.error(stderr, List.of(1, 2, 3), OPS);
        assertEquals("UNKNOWN", e.errno());
        assertEquals(Optional.of(OPS.get(0)), e.operation());
    }

    @Test
    void anErrorWithoutALineHasNoOp() {
        String stderr = "Cannot open network namespace \"gone\": No such file or directory\n";
        TransportException e = NftCliTransport.error(stderr, List.of(1, 2, 3), OPS);
        assertEquals("ENOENT", e.errno());
        assertEquals(Optional.empty(), e.operation());
    }

    /** Read-back and generations need netlink: refused before any command runs, so no nft is needed here. */
    @Test
    void whatItCannotDoItRefusesWithoutRunningNft() {
        NftCliTransport nft = new NftCliTransport(List.of("/nonexistent/nft", "-f", "-"), Duration.ofSeconds(1));
        assertThrows(UnsupportedOperationException.class, () -> nft.read(T));
        assertEquals(-1, nft.generation());
        assertThrows(UnsupportedOperationException.class,
                () -> nft.commit(new Transaction(OPS, OptionalLong.of(7))));
    }
}
