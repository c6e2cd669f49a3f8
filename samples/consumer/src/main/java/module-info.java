/** A user's module: it reads nftlb-core's exported packages, and only those. */
module com.example.lb {
    requires io.nftlb.core;

    exports com.example.lb;
}
