package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.Target;
import java.io.IOException;
import java.util.List;
import org.snmp4j.CommunityTarget;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * CPU load over SNMP v2c. Tries, in order: UCD-SNMP-MIB raw CPU tick counters
 * ({@code ssCpuRawUser/Nice/System/Idle/Wait.0}, the busy share of the ticks since this check's
 * previous probe of the same agent), {@code ssCpuIdle.0} (percent idle),
 * HOST-RESOURCES-MIB {@code hrProcessorLoad} (average over processors), UCD-SNMP-MIB
 * {@code laLoad.1} (1-minute load average, read as a fraction of one processor). net-snmp's
 * first two need a minute of sampling after the agent starts; the last is there at once.
 */
public final class SnmpCheck implements HealthCheck {

    static final OID SS_CPU_IDLE = new OID("1.3.6.1.4.1.2021.11.11.0");
    static final OID LA_LOAD_1 = new OID("1.3.6.1.4.1.2021.10.1.3.1");
    static final OID HR_PROCESSOR_LOAD = new OID("1.3.6.1.2.1.25.3.3.1.2");
    /** ssCpuRawUser, Nice, System, Idle, Wait (.0): Counter32 ticks. Idle is index 3. */
    static final List<OID> SS_CPU_RAW = List.of(new OID("1.3.6.1.4.1.2021.11.50.0"),
            new OID("1.3.6.1.4.1.2021.11.51.0"), new OID("1.3.6.1.4.1.2021.11.52.0"),
            new OID("1.3.6.1.4.1.2021.11.53.0"), new OID("1.3.6.1.4.1.2021.11.54.0"));

    private final String community;
    private final java.util.Map<java.net.InetSocketAddress, long[]> lastTicks =
            new java.util.concurrent.ConcurrentHashMap<>();

    public SnmpCheck(String community) {
        this.community = java.util.Objects.requireNonNull(community, "community == null");
    }

    @Override
    public HealthResult probe(Target target) throws Exception {
        // The transport's socket is created (and bound) where the probe network says; its
        // receive thread and our sends may then run anywhere.
        Snmp snmp = target.network().open(() -> {
            var transport = new DefaultUdpTransportMapping();
            Snmp s = new Snmp(transport);
            s.listen();
            return s;
        });
        try {
            var agent = new CommunityTarget<UdpAddress>(
                    new UdpAddress(target.address().getAddress(), target.address().getPort()),
                    new OctetString(community));
            agent.setVersion(SnmpConstants.version2c);
            agent.setRetries(0);
            long deadline = System.nanoTime() + target.timeout().toNanos();
            agent.setTimeout(Math.max(1, target.timeout().toMillis()));

            PDU get = new PDU();
            get.setType(PDU.GET);
            get.add(new VariableBinding(SS_CPU_IDLE));
            get.add(new VariableBinding(LA_LOAD_1));
            SS_CPU_RAW.forEach(oid -> get.add(new VariableBinding(oid)));
            ResponseEvent<UdpAddress> ev = snmp.send(get, agent);
            PDU r = ev.getResponse();
            if (r == null) {
                return HealthResult.down("no SNMP response");
            }
            if (r.getErrorStatus() != PDU.noError) {
                return HealthResult.down("SNMP error " + r.getErrorStatusText());
            }
            long[] ticks = new long[SS_CPU_RAW.size()];
            boolean haveTicks = true;
            for (int i = 0; i < ticks.length; i++) {
                Variable v = r.getVariable(SS_CPU_RAW.get(i));
                haveTicks &= isValue(v);
                ticks[i] = haveTicks ? v.toLong() : 0;
            }
            if (haveTicks && java.util.Arrays.stream(ticks).sum() > 0) {
                long[] prev = lastTicks.put(target.address(), ticks);
                double busy = prev == null ? Double.NaN : busyShare(prev, ticks);
                if (!Double.isNaN(busy)) {
                    return HealthResult.up("ssCpuRaw busy " + Math.round(busy * 100) + "%").withLoad(busy);
                }
            }
            Variable idle = r.getVariable(SS_CPU_IDLE);
            if (isValue(idle)) {
                int pct = idle.toInt();
                return HealthResult.up("ssCpuIdle " + pct + "%").withLoad(1.0 - pct / 100.0);
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left > 0) {
                agent.setTimeout(left);
                PDU bulk = new PDU();
                bulk.setType(PDU.GETBULK);
                bulk.setMaxRepetitions(64);
                bulk.add(new VariableBinding(HR_PROCESSOR_LOAD));
                PDU b = snmp.send(bulk, agent).getResponse();
                if (b != null && b.getErrorStatus() == PDU.noError) {
                    List<Integer> loads = b.getVariableBindings().stream()
                            .filter(vb -> vb.getOid().startsWith(HR_PROCESSOR_LOAD) && isValue(vb.getVariable()))
                            .map(vb -> vb.getVariable().toInt()).toList();
                    if (!loads.isEmpty()) {
                        double avg = loads.stream().mapToInt(Integer::intValue).average().orElse(0);
                        return HealthResult.up("hrProcessorLoad " + Math.round(avg) + "% over " + loads.size()
                                + " processors").withLoad(avg / 100.0);
                    }
                }
            }
            Variable la = r.getVariable(LA_LOAD_1);
            if (isValue(la)) {
                try {
                    double v = Double.parseDouble(la.toString().trim());
                    return HealthResult.up("laLoad " + la).withLoad(v);
                } catch (NumberFormatException e) {
                    return HealthResult.up("agent answered, laLoad unreadable: " + la);
                }
            }
            return HealthResult.up("agent answered without CPU load");
        } catch (IOException e) {
            return HealthResult.down(Failures.reason(e));
        } finally {
            snmp.close();
        }
    }

    /**
     * The busy share of the CPU ticks between two samples of (user, nice, system, idle, wait)
     * Counter32s, wrapping at 2^32; NaN when no tick passed.
     */
    static double busyShare(long[] before, long[] after) {
        long total = 0;
        long idle = 0;
        for (int i = 0; i < before.length; i++) {
            long d = (after[i] - before[i]) & 0xffff_ffffL;
            total += d;
            if (i == 3 || i == 4) { // idle and I/O wait are not busy
                idle += d;
            }
        }
        return total == 0 ? Double.NaN : (double) (total - idle) / total;
    }

    private static boolean isValue(Variable v) {
        return v != null && !v.isException() && v.getSyntax() != org.snmp4j.smi.SMIConstants.SYNTAX_NULL;
    }

    @Override
    public String toString() {
        return "snmp cpu load";
    }
}
