package scamscope.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.node.Node;

/**
 * Starts N OpenSearch nodes in this JVM on 127.0.0.1 and keeps them running until
 * asked to stop.
 *
 * <p>Usage: {@code Launcher --dir DIR [--nodes N] [--cluster-name NAME]}
 *
 * <p>When the cluster is healthy it writes {@code DIR/state.json} (node URLs, the
 * control URL, this process id) and prints {@code READY <url>}. A small control
 * server on 127.0.0.1 lets tests stop and restart single nodes:
 * {@code POST /nodes/<i>/stop}, {@code POST /nodes/<i>/start}, {@code POST /shutdown},
 * {@code GET /state}.
 */
public final class Launcher {
    private final Path dir;
    private final int nodes;
    private final String clusterName;
    private final int[] httpPorts;
    private final int[] transportPorts;
    private final OpenSearchRunner runner = new OpenSearchRunner();
    private final CountDownLatch done = new CountDownLatch(1);
    private HttpServer control;

    private Launcher(Path dir, int nodes, String clusterName) throws IOException {
        this.dir = dir;
        this.nodes = nodes;
        this.clusterName = clusterName;
        this.httpPorts = new int[nodes];
        this.transportPorts = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            httpPorts[i] = freePort();
            transportPorts[i] = freePort();
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        int nodes = 1;
        String name = "scamscope-test";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Paths.get(args[++i]).toAbsolutePath();
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--cluster-name" -> name = args[++i];
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (dir == null || nodes < 1) {
            System.err.println("usage: Launcher --dir DIR [--nodes N] [--cluster-name NAME]");
            System.exit(2);
        }
        Launcher launcher = new Launcher(dir, nodes, name);
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::closeQuietly));
        try {
            launcher.start();
        } catch (Throwable e) {
            System.err.println("cluster failed to start: " + e);
            e.printStackTrace();
            launcher.closeQuietly();
            System.exit(1);
        }
        launcher.done.await();
        launcher.closeQuietly();
        System.exit(0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private void start() throws Exception {
        Files.createDirectories(dir);
        List<String> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            seeds.add("127.0.0.1:" + transportPorts[i]);
            names.add("node-" + (i + 1));
        }
        runner.onBuild((number, settings) -> {
            int i = number - 1;
            settings.put("node.name", names.get(i));
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", String.valueOf(httpPorts[i]));
            settings.put("transport.port", String.valueOf(transportPorts[i]));
            settings.putList("node.roles", "cluster_manager", "data", "ingest");
            if (nodes == 1) {
                settings.put("discovery.type", "single-node");
            } else {
                settings.putList("discovery.seed_hosts", seeds);
                settings.putList("cluster.initial_cluster_manager_nodes", names);
                // Nodes start one after another: don't let the first wait 30 s for a quorum.
                settings.put("discovery.initial_state_timeout", "1s");
                // Notice a stopped node quickly so the replicas take over.
                settings.put("cluster.fault_detection.follower_check.interval", "500ms");
                settings.put("cluster.fault_detection.follower_check.retry_count", "2");
            }
            // A test machine's disk may be nearly full; never refuse shards for that.
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
            settings.put("action.auto_create_index", "false");
        });
        runner.build(OpenSearchRunner.newConfigs()
                .basePath(dir.resolve("nodes").toString())
                .numOfNode(nodes)
                .clusterName(clusterName)
                .useLogger()
                .printOnFailure());
        runner.ensureYellow();

        control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        control.createContext("/", this::handle);
        control.start();
        writeState();
        System.out.println("READY " + url(0));
        System.out.flush();
    }

    private String url(int i) {
        return "http://127.0.0.1:" + httpPorts[i];
    }

    private synchronized String state() {
        StringBuilder json = new StringBuilder();
        json.append("{\"pid\": ").append(ProcessHandle.current().pid());
        json.append(", \"cluster_name\": \"").append(clusterName).append('"');
        json.append(", \"url\": \"").append(url(0)).append('"');
        json.append(", \"control\": \"http://127.0.0.1:").append(control.getAddress().getPort()).append('"');
        json.append(", \"nodes\": [");
        for (int i = 0; i < nodes; i++) {
            Node node = runner.getNode(i);
            if (i > 0) {
                json.append(", ");
            }
            json.append("{\"name\": \"node-").append(i + 1).append("\", \"url\": \"").append(url(i))
                    .append("\", \"running\": ").append(node != null && !node.isClosed()).append('}');
        }
        json.append("]}");
        return json.toString();
    }

    private void writeState() throws IOException {
        Path tmp = dir.resolve("state.json.tmp");
        Files.writeString(tmp, state() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        int status = 200;
        String body;
        boolean shutdown = false;
        try {
            if (path.equals("/state")) {
                body = state();
            } else if (path.equals("/shutdown") && method.equals("POST")) {
                body = "{\"ok\": true}";
                shutdown = true;
            } else if (path.matches("/nodes/\\d+/(stop|start)") && method.equals("POST")) {
                String[] parts = path.split("/");
                int i = Integer.parseInt(parts[2]);
                if (i < 0 || i >= nodes) {
                    status = 404;
                    body = "{\"error\": \"no such node\"}";
                } else if (parts[3].equals("stop")) {
                    Node node = runner.getNode(i);
                    synchronized (this) {
                        node.close();
                    }
                    node.awaitClose(30, TimeUnit.SECONDS);
                    writeState();
                    body = state();
                } else {
                    boolean started;
                    synchronized (this) {
                        started = runner.startNode(i);
                    }
                    writeState();
                    body = "{\"started\": " + started + ", \"state\": " + state() + "}";
                }
            } else {
                status = 404;
                body = "{\"error\": \"not found\"}";
            }
        } catch (Exception e) {
            status = 500;
            body = "{\"error\": \"" + String.valueOf(e).replace("\\", "\\\\").replace("\"", "'") + "\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        if (shutdown) {
            done.countDown(); // only after the caller has its answer
        }
    }

    private void closeQuietly() {
        if (control != null) {
            control.stop(0);
        }
        try {
            Files.deleteIfExists(dir.resolve("state.json"));
        } catch (IOException e) {
            // best effort
        }
        try {
            if (!runner.isClosed()) {
                runner.close();
            }
        } catch (Exception e) {
            // closing anyway
        }
    }
}
