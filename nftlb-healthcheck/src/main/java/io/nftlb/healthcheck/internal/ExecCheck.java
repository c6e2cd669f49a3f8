package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.Target;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command's exit code, as keepalived's MISC_CHECK. */
public final class ExecCheck implements HealthCheck {

    private final List<String> command;

    public ExecCheck(List<String> command) {
        this.command = List.copyOf(command);
        if (this.command.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
    }

    @Override
    public HealthResult probe(Target target) throws Exception {
        List<String> args = command.stream().map(a -> a
                .replace("{address}", target.address().getAddress().getHostAddress())
                .replace("{port}", Integer.toString(target.address().getPort()))
                .replace("{backend}", target.backend())
                .replace("{farm}", target.farm())).toList();
        var pb = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = target.network().start(pb);
        try {
            p.getOutputStream().close();
            if (!p.waitFor(target.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return HealthResult.down("timed out, killed");
            }
            int code = p.exitValue();
            return code == 0 ? HealthResult.up("exit 0") : HealthResult.down("exit " + code);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "exec " + String.join(" ", command);
    }
}
