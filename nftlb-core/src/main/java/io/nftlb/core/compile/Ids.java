package io.nftlb.core.compile;

import java.util.Map;

/**
 * The numbers a farm is known by in the data path: its id (which places its slice of the
 * shared scheduling map at {@code id * SLOTS}) and one conntrack mark per backend.
 *
 * @param farmId the farm's id
 * @param marks backend name to conntrack mark
 */
public record Ids(int farmId, Map<String, Long> marks) {

    public Ids {
        marks = Map.copyOf(marks);
    }

    /** The mark of a backend of this farm. */
    public long mark(String backend) {
        Long m = marks.get(backend);
        if (m == null) {
            throw new IllegalStateException("no mark allocated for backend " + backend);
        }
        return m;
    }
}
