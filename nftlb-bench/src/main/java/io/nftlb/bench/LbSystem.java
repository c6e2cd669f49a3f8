package io.nftlb.bench;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.CommandResult;
import io.nftlb.testkit.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One load balancer under test. {@link #configure} installs {@code n} services in the
 * balancer's namespace (and nowhere else), {@link #clear} removes them again.
 */
sealed interface LbSystem {
    Duration SETUP_TIMEOUT = Duration.ofMinutes(5);

    /** Short name used in tables and on the command line. */
    String name();

    /** What it is, for the docs page. */
    String description();

    /** Largest service count this system is run at by default (nftlb's loader is slow, see the docs page). */
    default int defaultMaxServices() {
        return Services.MAX;
    }

    void configure(NetworkNamespace balancer, int n, Path workDir);

    void clear(NetworkNamespace balancer);

    /** All systems, in the order the benchmark runs them. */
    static List<LbSystem> all() {
        return List.of(new Ours(false), new Ours(true), new Iptables(), new Lvs(false), new Lvs(true), new Nftlb());
    }

    /**
     * Variants of this library's systems, to measure what a farm setting costs the data path of
     * outside clients; run only when named with {@code --systems}.
     */
    static List<LbSystem> variants() {
        return List.of(new Ours(false, Ours.Variant.NO_HAIRPIN), new Ours(false, Ours.Variant.INTRA_CONNECT),
                new Ours(true, Ours.Variant.INTRA_CONNECT), new Ours(false, Ours.Variant.UNGUARDED));
    }

    /** Every system that {@code --systems} can name. */
    static List<LbSystem> known() {
        List<LbSystem> known = new ArrayList<>(all());
        known.addAll(variants());
        return known;
    }

    static LbSystem byName(String name) {
        return known().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown system " + name + "; known: "
                        + known().stream().map(LbSystem::name).toList()));
    }

    private static void check(CommandResult result, String what) {
        if (!result.succeeded()) {
            throw new IllegalStateException(what + " failed: " + result.summary());
        }
    }

    private static Path write(Path dir, String file, String text) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This library: one farm per service, round robin over the four backends, sNAT or dNAT, with
     * the farm settings' defaults or a variant.
     */
    record Ours(boolean snat, Variant variant) implements LbSystem {

        /**
         * A farm setting changed from its default for every service; or UNGUARDED, the default
         * ruleset with the dispatch rules' first-packet guard ({@code ct status ! confirmed}) taken
         * out, to measure what the guard costs a new connection.
         */
        enum Variant {
            DEFAULT(""), NO_HAIRPIN("-nohairpin"), INTRA_CONNECT("-intra"), UNGUARDED("-unguarded");

            final String suffix;

            Variant(String suffix) {
                this.suffix = suffix;
            }
        }

        Ours(boolean snat) {
            this(snat, Variant.DEFAULT);
        }

        @Override
        public String name() {
            return (snat ? "ours-snat" : "ours-dnat") + variant.suffix;
        }

        @Override
        public String description() {
            String setting = switch (variant) {
                case DEFAULT -> "";
                case NO_HAIRPIN -> ".hairpin(false)";
                case INTRA_CONNECT -> ".intraConnect(true)";
                case UNGUARDED -> " (dispatch without `ct status ! confirmed`)";
            };
            return "this library, `Farm." + (snat ? "snat" : "dnat") + "(vip).port(80)" + setting
                    + ".roundRobin(4 backends)` per service, compiled by `RulesetCompiler`, rendered by `NftText`, "
                    + "loaded with `nft -f`";
        }

        static List<Farm> farms(int n, boolean snat) {
            return farms(n, snat, Variant.DEFAULT);
        }

        static List<Farm> farms(int n, boolean snat, Variant variant) {
            List<Farm> farms = new ArrayList<>(n);
            Backend[] backends = new Backend[Services.BACKENDS.size()];
            for (int b = 0; b < backends.length; b++) {
                backends[b] = Backend.of("b" + b, Services.BACKENDS.get(b));
            }
            for (int i = 0; i < n; i++) {
                Farm farm = snat ? Farm.snat(Services.vip(i)) : Farm.dnat(Services.vip(i));
                farm = switch (variant) {
                    case DEFAULT -> farm;
                    case NO_HAIRPIN -> farm.hairpin(false);
                    case INTRA_CONNECT -> farm.intraConnect(true);
                    case UNGUARDED -> farm;
                };
                farms.add(farm.port(Services.PORT).named(Services.name(i)).roundRobin(backends));
            }
            return farms;
        }

        @Override
        public void configure(NetworkNamespace balancer, int n, Path workDir) {
            String script = NftText.render(RulesetCompiler.compile(farms(n, snat, variant)).ruleset());
            if (variant == Variant.UNGUARDED) {
                String guard = " ct status ! confirmed";
                if (!script.contains(guard)) {
                    throw new IllegalStateException("the dispatch rules have no" + guard + " to take out");
                }
                script = script.replace(guard, "");
            }
            write(workDir, name() + "-" + n + ".nft", script);
            balancer.nft(script);
        }

        @Override
        public void clear(NetworkNamespace balancer) {
            balancer.nft("flush ruleset\n");
        }
    }

    /**
     * The iptables ruleset of the seeds: a jump per service in nat PREROUTING to a chain of its
     * own, where {@code statistic --mode nth} spreads new connections over the backends, and
     * masquerade towards the backends (sNAT). Loaded with Debian's {@code iptables-restore}.
     */
    record Iptables() implements LbSystem {
        @Override
        public String name() {
            return "iptables";
        }

        @Override
        public String description() {
            return "Debian's iptables (`iptables-restore`), one `-d VIP -p tcp --dport 80 -j SVC_i` jump per service in nat "
                    + "PREROUTING, chain SVC_i with `-m statistic --mode nth --every 4..2 --packet 0 -j DNAT` per backend, "
                    + "MASQUERADE towards the backends (sNAT), as in the seeds";
        }

        static String restoreInput(int n) {
            StringBuilder chains = new StringBuilder("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
                    + ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
            StringBuilder rules = new StringBuilder();
            int backends = Services.BACKENDS.size();
            for (int i = 0; i < n; i++) {
                String chain = "SVC_" + i;
                chains.append(':').append(chain).append(" - [0:0]\n");
                rules.append("-A PREROUTING -d ").append(Services.vip(i)).append("/32 -p tcp -m tcp --dport ")
                        .append(Services.PORT).append(" -j ").append(chain).append('\n');
                for (int b = 0; b < backends; b++) {
                    rules.append("-A ").append(chain).append(" -p tcp");
                    int remaining = backends - b;
                    if (remaining > 1) {
                        rules.append(" -m statistic --mode nth --every ").append(remaining).append(" --packet 0");
                    }
                    rules.append(" -j DNAT --to-destination ").append(Services.BACKENDS.get(b)).append(':')
                            .append(Services.PORT).append('\n');
                }
            }
            rules.append("-A POSTROUTING -o br-backends -m conntrack --ctstate DNAT -j MASQUERADE\n");
            return chains.append(rules).append("COMMIT\n").toString();
        }

        @Override
        public void configure(NetworkNamespace balancer, int n, Path workDir) {
            Path file = write(workDir, "iptables-" + n + ".rules", restoreInput(n));
            check(balancer.exec(SETUP_TIMEOUT, "sh", "-c", "iptables-restore < " + file), "iptables-restore");
        }

        @Override
        public void clear(NetworkNamespace balancer) {
            check(balancer.exec("sh", "-c", "iptables -t nat -F && iptables -t nat -X"), "iptables flush");
            balancer.nft("flush ruleset\n");
        }
    }

    /** LVS, configured with ipvsadm: masquerading (NAT), rr or wrr with weights 1:2:3:4. */
    record Lvs(boolean weighted) implements LbSystem {
        @Override
        public String name() {
            return weighted ? "lvs-wrr" : "lvs-rr";
        }

        @Override
        public String description() {
            return "LVS via Debian's `ipvsadm -R`, masquerading (`-m`), scheduler "
                    + (weighted ? "`wrr` with weights 1:2:3:4" : "`rr`");
        }

        static String restoreInput(int n, boolean weighted) {
            StringBuilder in = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String service = Services.vip(i) + ":" + Services.PORT;
                in.append("-A -t ").append(service).append(" -s ").append(weighted ? "wrr" : "rr").append('\n');
                for (int b = 0; b < Services.BACKENDS.size(); b++) {
                    in.append("-a -t ").append(service).append(" -r ").append(Services.BACKENDS.get(b)).append(':')
                            .append(Services.PORT).append(" -m -w ").append(weighted ? Services.WEIGHTS.get(b) : 1)
                            .append('\n');
                }
            }
            return in.toString();
        }

        @Override
        public void configure(NetworkNamespace balancer, int n, Path workDir) {
            if (!balancer.exec("ipvsadm", "-L", "-n").succeeded()) {
                throw new IllegalStateException("LVS not available: this kernel has no IPVS (CONFIG_IP_VS)");
            }
            Path file = write(workDir, name() + "-" + n + ".ipvs", restoreInput(n, weighted));
            check(balancer.exec(SETUP_TIMEOUT, "sh", "-c", "ipvsadm -R < " + file), "ipvsadm -R");
            // Short FIN timeout so closed connections do not pile up between runs.
            check(balancer.exec("ipvsadm", "--set", "900", "2", "60"), "ipvsadm --set");
        }

        @Override
        public void clear(NetworkNamespace balancer) {
            if (balancer.exec("ipvsadm", "-L", "-n").succeeded()) {
                check(balancer.exec("ipvsadm", "-C"), "ipvsadm -C");
            }
        }
    }

    /** Debian's nftlb, loading the equivalent JSON farms with {@code nftlb -c FILE -e} (load and exit). */
    record Nftlb() implements LbSystem {
        @Override
        public String name() {
            return "nftlb";
        }

        @Override
        public String description() {
            return "Debian's nftlb daemon, `nftlb -c farms.json -e` (load and exit), one snat farm per service, "
                    + "scheduler `rr`";
        }

        @Override
        public int defaultMaxServices() {
            return 1_000;
        }

        static String json(int n) {
            StringBuilder json = new StringBuilder("{\n\t\"farms\" : [\n");
            for (int i = 0; i < n; i++) {
                json.append("\t\t{ \"name\" : \"").append(Services.name(i)).append("\", \"family\" : \"ipv4\", ")
                        .append("\"virtual-addr\" : \"").append(Services.vip(i)).append("\", \"virtual-ports\" : \"")
                        .append(Services.PORT).append("\", \"mode\" : \"snat\", \"protocol\" : \"tcp\", ")
                        .append("\"scheduler\" : \"rr\", \"state\" : \"up\", \"backends\" : [");
                for (int b = 0; b < Services.BACKENDS.size(); b++) {
                    json.append(b == 0 ? "\n" : ",\n").append("\t\t\t{ \"name\" : \"b").append(b)
                            .append("\", \"ip-addr\" : \"").append(Services.BACKENDS.get(b))
                            .append("\", \"port\" : \"").append(Services.PORT)
                            .append("\", \"weight\" : \"1\", \"priority\" : \"1\", \"state\" : \"up\" }");
                }
                json.append(" ] }").append(i + 1 < n ? ",\n" : "\n");
            }
            return json.append("\t]\n}\n").toString();
        }

        @Override
        public void configure(NetworkNamespace balancer, int n, Path workDir) {
            Path file = write(workDir, "nftlb-" + n + ".json", json(n));
            check(balancer.exec(SETUP_TIMEOUT, "nftlb", "-c", file.toString(), "-e"), "nftlb -c -e");
        }

        @Override
        public void clear(NetworkNamespace balancer) {
            balancer.nft("flush ruleset\n");
        }
    }
}
