package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.RulesetModel;
import io.nftlb.core.transport.DryRunTransport;
import io.nftlb.netlink.NetlinkTransport;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code --check}: validates a configuration file and prints the daemon's tables as it would
 * make them and the transaction that would take the kernel's current tables there, changing
 * nothing. The daemon starts as it would for real, over a {@link DryRunTransport} that reads the
 * kernel and records the start-up transaction instead of committing it (so ids and marks are
 * recovered from the kernel's tables as a real start would).
 *
 * <p>Exit codes: 0 valid, 1 not (unsupported fields, malformed, or refused by the kernel's
 * tables as they are), 2 no configuration given.
 */
final class Check {

    /** The daemon's tables. */
    private static final List<TableRef> TABLES = List.of(new TableRef(Family.INET, "nftlb"),
            new TableRef(Family.NETDEV, "nftlb"));

    private Check() {}

    static int run(Options options, PrintStream out, PrintStream err) {
        if (options.config().isEmpty()) {
            err.println("--check needs a configuration file (-c FILE)");
            return 2;
        }
        DryRunTransport dry = DryRunTransport.over(options.netns().map(NetlinkTransport::openInNamespace)
                .orElseGet(NetlinkTransport::open));
        RulesetModel model = new RulesetModel();
        try (WatchedDevices devices = WatchedDevices.ip(options.netns())) {
            JsonNode config;
            try {
                config = ConfigMapper.read(options.config().get());
                ConfigMapper.mapAll(config, devices); // farms without iface take the device their address routes to
            } catch (UnsupportedFieldsException e) {
                dry.close();
                err.println("invalid: the configuration uses fields this version does not support:");
                e.problems().forEach(p -> err.println("  " + p));
                return 1;
            } catch (IllegalArgumentException | UncheckedIOException e) {
                dry.close();
                err.println("invalid: " + e.getMessage());
                return 1;
            }
            for (TableRef ref : TABLES) {
                Optional<Table> now = dry.read(ref);
                if (now.isPresent()) {
                    model.apply(Planner.create(now.get()));
                }
            }
            Daemon.start(dry, config, devices, Optional.empty()).close();
        } catch (RuntimeException e) {
            dry.close();
            err.println("invalid: " + e.getMessage());
            return 1;
        }
        List<Transaction> txs = dry.transactions();
        txs.forEach(model::apply);
        out.println("# the daemon's tables once " + options.config().get() + " is applied");
        for (TableRef ref : TABLES) {
            model.table(ref).ifPresent(t -> out.print(RulesetModel.text(t)));
        }
        int ops = txs.stream().mapToInt(t -> t.ops().size()).sum();
        if (ops == 0) {
            out.println("# the transaction: none (the kernel's tables already are these)");
        } else {
            out.println("# the transaction against the kernel's tables now (" + ops + " operations; not committed)");
            txs.forEach(t -> out.print(NftText.render(t)));
        }
        return 0;
    }
}
