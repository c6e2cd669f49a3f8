package io.nftlb.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Draws the control-plane benchmark's results (the first table of the results section of
 * docs/benchmarks/runtime.md, as {@link RuntimeBench} wrote it) as a PNG: p50 latency of a
 * weight change, a state change and adding a farm against the farms loaded, one line per system,
 * both axes logarithmic. {@code nftlb-bench/runtime-plot.sh} runs it; RuntimeBench's results
 * are its only input, so the picture always shows the page's numbers.
 */
final class RuntimePlot {

    private static final int PANEL_W = 520;
    private static final int PANEL_H = 420;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e)};
    private static final String[] MEASURES = {"weight change", "state change", "add a farm"};

    /** One row of the table: a system at a scale, p50 in µs of each measure. */
    record Row(String system, int farms, double[] p50Micros) {}

    private RuntimePlot() {}

    public static void main(String[] args) throws IOException {
        Path page = Path.of(args.length > 0 ? args[0] : "docs/benchmarks/runtime.md");
        Path png = Path.of(args.length > 1 ? args[1] : "docs/benchmarks/runtime.png");
        List<Row> rows = parse(Files.readString(page));
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(page + ": no results table between the results markers");
        }
        write(rows, png);
        System.out.println("wrote " + png + " from " + rows.size() + " rows of " + page);
    }

    /** The rows of the first table after the results marker ({@code | system | farms | ... |}). */
    static List<Row> parse(String page) {
        int from = page.indexOf("<!-- results:begin");
        int to = page.indexOf("<!-- results:end -->", from);
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : page.substring(from, to).lines().toList()) {
            if (line.startsWith("| system | farms |")) {
                inTable = true;
                continue;
            }
            if (!inTable || line.startsWith("| ---")) {
                continue;
            }
            if (!line.startsWith("|")) {
                break;
            }
            String[] cells = line.split("\\|");
            // "", system, farms, cold load, weight, state, add, memory
            double[] p50 = new double[3];
            for (int m = 0; m < 3; m++) {
                p50[m] = micros(cells[4 + m].split("/")[0].strip());
            }
            rows.add(new Row(cells[1].strip(), Integer.parseInt(cells[2].strip().replace(",", "")), p50));
        }
        return rows;
    }

    /** "124 µs", "27.0 ms", "1.2 s" in µs. */
    static double micros(String value) {
        String[] parts = value.split(" ");
        double n = Double.parseDouble(parts[0].replace(",", ""));
        return switch (parts[1]) {
            case "µs" -> n;
            case "ms" -> n * 1_000;
            case "s" -> n * 1_000_000;
            default -> throw new IllegalArgumentException("unit of " + value);
        };
    }

    static void write(List<Row> rows, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> systems = rows.stream().map(Row::system).distinct().toList();
        List<Integer> scales = new ArrayList<>(new TreeSet<>(rows.stream().map(Row::farms).toList()));
        BufferedImage image = new BufferedImage(3 * PANEL_W, PANEL_H + 50, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        double lo = rows.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.p50Micros())).min().orElse(1);
        double hi = rows.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.p50Micros())).max().orElse(10);
        double decadeLo = Math.floor(Math.log10(lo * 0.8)); // a margin: no point on the frame
        double decadeHi = Math.ceil(Math.log10(hi * 1.25));
        for (int m = 0; m < MEASURES.length; m++) {
            panel(g, m * PANEL_W, MEASURES[m] + ", p50 (API call to kernel ACK)", rows, systems, scales, m,
                    decadeLo, decadeHi);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        int x = 20;
        for (int s = 0; s < systems.size(); s++) {
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(3));
            g.drawLine(x, PANEL_H + 25, x + 30, PANEL_H + 25);
            g.setColor(Color.BLACK);
            String label = switch (systems.get(s)) {
                case "ours-netlink" -> "ours (netlink)";
                case "ours-nft" -> "ours over nft -f";
                default -> systems.get(s);
            };
            g.drawString(label, x + 36, PANEL_H + 30);
            x += 60 + g.getFontMetrics().stringWidth(label);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int ox, String title, List<Row> rows, List<String> systems,
            List<Integer> scales, int measure, double decadeLo, double decadeHi) {
        int left = ox + 75;
        int right = ox + PANEL_W - 20;
        int top = 40;
        int bottom = PANEL_H - 45;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, ox + 15, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1));
        for (double d = decadeLo; d <= decadeHi; d++) {
            int y = yOf(Math.pow(10, d), decadeLo, decadeHi, top, bottom);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String label = label(Math.pow(10, d));
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        double xLo = Math.log10(scales.getFirst());
        double xHi = Math.log10(scales.getLast());
        for (int farms : scales) {
            int x = xOf(farms, xLo, xHi, left, right);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%,d", farms);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 18);
        }
        g.drawString("farms loaded (log scale)", (left + right) / 2 - 70, bottom + 36);
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        Map<String, List<Row>> bySystem = new LinkedHashMap<>();
        rows.forEach(r -> bySystem.computeIfAbsent(r.system(), k -> new ArrayList<>()).add(r));
        for (int s = 0; s < systems.size(); s++) {
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            for (Row r : bySystem.get(systems.get(s)).stream().sorted(java.util.Comparator.comparingInt(Row::farms))
                    .toList()) {
                int x = xOf(r.farms(), xLo, xHi, left, right);
                int y = yOf(r.p50Micros()[measure], decadeLo, decadeHi, top, bottom);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
    }

    private static int xOf(int farms, double lo, double hi, int left, int right) {
        return hi == lo ? (left + right) / 2 : (int) Math.round(left + 25 + (right - left - 50) * (Math.log10(farms) - lo) / (hi - lo));
    }

    private static int yOf(double micros, double lo, double hi, int top, int bottom) {
        return (int) Math.round(bottom - (bottom - top) * (Math.log10(micros) - lo) / (hi - lo));
    }

    private static String label(double micros) {
        return micros >= 1_000_000 ? String.format(Locale.ROOT, "%.0f s", micros / 1e6)
                : micros >= 1_000 ? String.format(Locale.ROOT, "%.0f ms", micros / 1e3)
                : String.format(Locale.ROOT, "%.0f µs", micros);
    }
}
