package io.nftlb.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** Draws the results as four small line charts (one per measure) against the service count, in a PNG. */
final class Plot {
    private static final int PANEL_W = 560;
    private static final int PANEL_H = 380;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0x17becf)
    };

    private Plot() {}

    static void write(List<Point> points, List<String> systems, List<Integer> scales, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(2 * PANEL_W, 2 * PANEL_H + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        panel(g, 0, 0, "New connections/s (keep-alive off), higher is better", points, systems, scales, Point::connRate);
        panel(g, PANEL_W, 0, "Requests/s on persistent connections, higher is better", points, systems, scales,
                Point::reqRate);
        panel(g, 0, PANEL_H, "First-packet (connect) latency p50, us, lower is better", points, systems, scales,
                Point::p50Micros);
        panel(g, PANEL_W, PANEL_H, "Kernel CPU ms per 10k conn (whole machine), lower is better", points,
                systems, scales, Point::kernelMsPer10k);
        // Legend along the bottom.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        int x = 20;
        for (int s = 0; s < systems.size(); s++) {
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(3));
            g.drawLine(x, 2 * PANEL_H + 20, x + 30, 2 * PANEL_H + 20);
            g.setColor(Color.BLACK);
            g.drawString(systems.get(s), x + 36, 2 * PANEL_H + 25);
            x += 40 + g.getFontMetrics().stringWidth(systems.get(s)) + 30;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int ox, int oy, String title, List<Point> points, List<String> systems,
            List<Integer> scales, ToDoubleFunction<Point> measure) {
        int left = ox + 75;
        int right = ox + PANEL_W - 20;
        int top = oy + 40;
        int bottom = oy + PANEL_H - 45;
        double max = points.stream().filter(Point::ok).mapToDouble(measure).filter(d -> !Double.isNaN(d)).max()
                .orElse(1);
        max = niceCeiling(max);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, ox + 15, oy + 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1));
        for (int t = 0; t <= 4; t++) {
            int y = bottom - (bottom - top) * t / 4;
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String label = format(max * t / 4);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        for (int i = 0; i < scales.size(); i++) {
            int x = xOf(i, scales.size(), left, right);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%,d", scales.get(i));
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 18);
        }
        g.drawString("services (measured: the last one)", (left + right) / 2 - 90, bottom + 36);
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        for (int s = 0; s < systems.size(); s++) {
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < scales.size(); i++) {
                Point p = find(points, systems.get(s), scales.get(i));
                if (p == null || !p.ok() || Double.isNaN(measure.applyAsDouble(p))) {
                    px = -1;
                    continue;
                }
                int x = xOf(i, scales.size(), left, right);
                int y = (int) Math.round(bottom - (bottom - top) * measure.applyAsDouble(p) / max);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
    }

    private static int xOf(int index, int count, int left, int right) {
        return count == 1 ? (left + right) / 2 : left + 30 + (right - left - 60) * index / (count - 1);
    }

    static Point find(List<Point> points, String system, int services) {
        return points.stream().filter(p -> p.system().equals(system) && p.services() == services).findFirst()
                .orElse(null);
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
