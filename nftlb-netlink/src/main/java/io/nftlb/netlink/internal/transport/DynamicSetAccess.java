package io.nftlb.netlink.internal.transport;

import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.DynamicElements;
import io.nftlb.core.transport.TransportException;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.NlMsg;
import io.nftlb.netlink.internal.codec.Nl;
import io.nftlb.netlink.internal.lin.SetElements;
import io.nftlb.netlink.internal.msg.KElem;
import io.nftlb.netlink.internal.sys.NetlinkSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data path's own set elements (persistence), read with the time each has left and deleted,
 * on a socket of its own: the transport's socket belongs to the thread that commits, and these
 * calls come from others (an API request). Calls are serialized.
 */
public final class DynamicSetAccess implements DynamicElements, AutoCloseable {

    private final NftChannel channel;
    private final RulesetReader reader;
    private final BatchCommit committer;

    public DynamicSetAccess(Optional<Path> netns) {
        NamespaceDevices devices = new NamespaceDevices(netns);
        this.channel = new NftChannel(NetlinkSocket.open(netns));
        this.reader = new RulesetReader(channel, devices);
        this.committer = new BatchCommit(channel, reader, devices);
    }

    @Override
    public synchronized List<TimedElement> read(TableRef table, String set) {
        NamedSet definition = reader.namedSets(table).get(set);
        if (definition == null) {
            return List.of();
        }
        List<TimedElement> out = new ArrayList<>();
        for (NlMsg m : channel.dump(Nl.NFT_MSG_GETSETELEM, table.family().nfproto(),
                w -> w.str(1, table.name()).str(2, set))) {
            Optional<Attrs> list = m.attrs().find(3).map(a -> a.nest());
            if (list.isEmpty()) {
                continue;
            }
            for (var item : list.get().all()) {
                Attrs attrs = item.nest();
                KElem kernel = KElem.decode(attrs);
                List<Element> decoded = SetElements.fromKernel(definition, List.of(kernel));
                if (decoded.size() != 1) {
                    continue; // an interval end: the data path adds none to the sets read here
                }
                Optional<Duration> expires = KElem.expirationMs(attrs).stream().boxed()
                        .map(Duration::ofMillis).findFirst();
                out.add(new TimedElement(decoded.get(0), expires));
            }
        }
        return out;
    }

    @Override
    public synchronized int delete(TableRef table, String set, List<Element> elements) {
        if (elements.isEmpty()) {
            return 0;
        }
        try {
            committer.commit(Transaction.of(List.of(new Op.DeleteElements(table, set, elements))));
            return elements.size();
        } catch (TransportException e) {
            if (!e.errno().equals("ENOENT")) {
                throw e;
            }
        }
        // One of them expired meanwhile, which aborted the whole transaction: each on its own.
        int deleted = 0;
        for (Element e : elements) {
            try {
                committer.commit(Transaction.of(List.of(new Op.DeleteElements(table, set, List.of(e)))));
                deleted++;
            } catch (TransportException x) {
                if (!x.errno().equals("ENOENT")) {
                    throw x;
                }
            }
        }
        return deleted;
    }

    @Override
    public synchronized void close() {
        committer.close();
        channel.close();
    }
}
