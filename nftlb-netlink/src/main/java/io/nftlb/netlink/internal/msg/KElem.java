package io.nftlb.netlink.internal.msg;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.NftData;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One set element as the kernel sees it: key (and key end for concatenated ranges), data,
 * flags (NFT_SET_ELEM_INTERVAL_END marks the end of an interval), timeout.
 */
public record KElem(Bytes key, Optional<Bytes> keyEnd, Optional<NftData> data, int flags, OptionalLong timeoutMs,
                    Optional<Bytes> userdata) {

    static final int KEY = 1, DATA = 2, FLAGS = 3, TIMEOUT = 4, EXPIRATION = 5, USERDATA = 6, KEY_END = 10;
    public static final int F_INTERVAL_END = 1;

    public KElem {
        requireNonNull(key, "key");
        requireNonNull(keyEnd, "keyEnd");
        requireNonNull(data, "data");
        requireNonNull(timeoutMs, "timeoutMs");
        requireNonNull(userdata, "userdata");
    }

    public static KElem of(Bytes key) {
        return new KElem(key, Optional.empty(), Optional.empty(), 0, OptionalLong.empty(), Optional.empty());
    }

    public static KElem of(Bytes key, NftData data) {
        return new KElem(key, Optional.empty(), Optional.of(data), 0, OptionalLong.empty(), Optional.empty());
    }

    public static KElem intervalEnd(Bytes key) {
        return new KElem(key, Optional.empty(), Optional.empty(), F_INTERVAL_END, OptionalLong.empty(),
                Optional.empty());
    }

    public boolean isIntervalEnd() {
        return (flags & F_INTERVAL_END) != 0;
    }

    /** Writes the element's attributes (the caller opens the list element nest). */
    public void encode(MsgWriter w) {
        if (flags != 0) {
            w.be32(FLAGS, flags);
        }
        // no lambdas here: this runs for every element of a batch (see NftData.putValue)
        if (timeoutMs.isPresent()) {
            w.be64(TIMEOUT, timeoutMs.getAsLong());
        }
        NftData.putValue(w, KEY, key);
        if (keyEnd.isPresent()) {
            NftData.putValue(w, KEY_END, keyEnd.get());
        }
        if (data.isPresent()) {
            NftData.put(w, DATA, data.get());
        }
        if (userdata.isPresent()) {
            w.bytes(USERDATA, userdata.get());
        }
    }

    /**
     * The time an element has left before the kernel removes it (NFTA_SET_ELEM_EXPIRATION, in
     * milliseconds), present in a dump of a set with timeouts; a commit never sends it.
     */
    public static OptionalLong expirationMs(Attrs a) {
        return a.find(EXPIRATION).map(x -> OptionalLong.of(x.be64())).orElse(OptionalLong.empty());
    }

    public static KElem decode(Attrs a) {
        return new KElem(NftData.value(a.get(KEY, "element key")), a.find(KEY_END).map(NftData::value),
                a.find(DATA).map(NftData::decode), (int) a.be32Or(FLAGS, 0),
                a.find(TIMEOUT).map(x -> OptionalLong.of(x.be64())).orElse(OptionalLong.empty()),
                a.find(USERDATA).map(Attr::bytes));
    }
}
