package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

/** A named stateful object of a table: a counter, quota, limit or conntrack helper. */
public sealed interface NamedObject {

    String name();

    ObjectKind kind();

    /** {@code counter name { packets P bytes B }}. */
    record Counter(String name) implements NamedObject {
        public Counter {
            requireNonNull(name, "name");
        }

        @Override
        public ObjectKind kind() {
            return ObjectKind.COUNTER;
        }
    }

    /** {@code quota name { [over] N bytes }}. */
    record Quota(String name, long bytes, boolean over) implements NamedObject {
        public Quota {
            requireNonNull(name, "name");
        }

        @Override
        public ObjectKind kind() {
            return ObjectKind.QUOTA;
        }
    }

    /** {@code limit name { rate [over] N/unit burst B packets }}. */
    record Limit(String name, Stmt.Limit limit) implements NamedObject {
        public Limit {
            requireNonNull(name, "name");
            requireNonNull(limit, "limit");
        }

        @Override
        public ObjectKind kind() {
            return ObjectKind.LIMIT;
        }
    }

    /** {@code ct helper name { type "ftp" protocol tcp; l3proto ip }}. */
    record CtHelper(String name, String helper, int l4proto, Family l3proto) implements NamedObject {
        public CtHelper {
            requireNonNull(name, "name");
            requireNonNull(helper, "helper");
            requireNonNull(l3proto, "l3proto");
        }

        @Override
        public ObjectKind kind() {
            return ObjectKind.CT_HELPER;
        }
    }
}
