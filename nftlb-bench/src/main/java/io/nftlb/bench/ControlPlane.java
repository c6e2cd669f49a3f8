package io.nftlb.bench;

import io.nftlb.core.Farm;
import java.util.List;

/**
 * What the control-plane benchmark asks of each system: load a set of farms, then make single
 * changes, each returning once the kernel has them.
 */
interface ControlPlane extends AutoCloseable {

    /** The system's name in the results. */
    String name();

    /** Loads {@code farms} into an empty balancer, as fast as the system can. */
    void load(List<Farm> farms) throws Exception;

    void setWeight(String farm, String backend, int weight) throws Exception;

    /** Takes a backend out ({@code up} false) or puts it back. */
    void setUp(String farm, String backend, boolean up) throws Exception;

    void add(Farm farm) throws Exception;

    void remove(String farm) throws Exception;

    /** Memory the system holds for its farms, in bytes, or -1 if it cannot be told. */
    long memoryBytes();

    @Override
    void close();
}
