package io.nftlb.core.testing;

import io.nftlb.core.ast.Expr;
import java.math.BigInteger;
import java.util.List;

/** Whether two keys of an interval set overlap, as the kernel checks when an element is added. */
final class Intervals {

    private Intervals() {}

    static boolean overlap(Expr a, Expr b) {
        if (a instanceof Expr.Concat ca && b instanceof Expr.Concat cb) {
            List<Expr> pa = ca.parts();
            List<Expr> pb = cb.parts();
            if (pa.size() != pb.size()) {
                return false;
            }
            for (int i = 0; i < pa.size(); i++) {
                if (!overlap(pa.get(i), pb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        BigInteger[] x = bounds(a);
        BigInteger[] y = bounds(b);
        if (x == null || y == null) {
            return a.equals(b);
        }
        return x[0].compareTo(y[1]) <= 0 && y[0].compareTo(x[1]) <= 0;
    }

    private static BigInteger[] bounds(Expr e) {
        return switch (e) {
            case Expr.Range r -> {
                BigInteger lo = value(r.low());
                BigInteger hi = value(r.high());
                yield lo == null || hi == null ? null : new BigInteger[] {lo, hi};
            }
            default -> {
                BigInteger v = value(e);
                yield v == null ? null : new BigInteger[] {v, v};
            }
        };
    }

    private static BigInteger value(Expr e) {
        return switch (e) {
            case Expr.Int i -> BigInteger.valueOf(i.value());
            case Expr.Addr a -> new BigInteger(1, a.address().getAddress());
            default -> null;
        };
    }
}
