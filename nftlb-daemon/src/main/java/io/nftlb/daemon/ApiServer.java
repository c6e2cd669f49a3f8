package io.nftlb.daemon;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP/1.1 server under the API, with its {@link ApiLimits}: a bounded pool of threads, an
 * idle timeout on every read and write, a limit on the request's headers and on open
 * connections. Connections that are still sending their request hold no thread (the server
 * reads them without blocking), so slow clients cannot take the pool.
 */
final class ApiServer {

    /** The acceptor and the selector the connector leases from the pool, on top of the request threads. */
    private static final int CONNECTOR_THREADS = 2;

    private ApiServer() {}

    static Server create(String host, int port, ApiLimits limits, Handler handler) {
        // The queue is the pool's default, unbounded (the server queues its own tasks there too):
        // requests waiting in it are bounded by the connections, each having at most one.
        QueuedThreadPool pool = new QueuedThreadPool(limits.threads() + CONNECTOR_THREADS,
                Math.min(2, limits.threads()) + CONNECTOR_THREADS);
        pool.setName("nftlb-api");
        pool.setReservedThreads(0);
        pool.setDaemon(true);
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.headerBytes());
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.timeout().toMillis());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.connections(), connector));
        server.setErrorHandler(ApiServer::error);
        server.setHandler(handler);
        return server;
    }

    /** The errors the server answers itself (a malformed request, headers too large) in the API's JSON. */
    private static boolean error(Request request, Response response, Callback callback) {
        Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        int code = status instanceof Integer i ? i : 500;
        String text = message == null ? "bad request" : message.toString();
        byte[] body = Api.Reply.error(code, text).bytes();
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
