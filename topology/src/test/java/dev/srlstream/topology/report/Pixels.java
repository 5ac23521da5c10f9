package dev.srlstream.topology.report;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Pixel counts of a rendered chart, for tests that check something was drawn. */
final class Pixels {

  private Pixels() {}

  /** Pixels that are not the chart background. */
  static int nonBackground(BufferedImage image) {
    int background = LineChart.BACKGROUND.getRGB() & 0xffffff;
    int count = 0;
    for (int rgb : rgb(image)) {
      if (rgb != background) {
        count++;
      }
    }
    return count;
  }

  /** Pixels of exactly the colour {@code rgb}. */
  static int count(BufferedImage image, int rgb) {
    int count = 0;
    for (int pixel : rgb(image)) {
      if (pixel == rgb) {
        count++;
      }
    }
    return count;
  }

  /** Pixels that differ between two images of one size. */
  static int differing(BufferedImage a, BufferedImage b) {
    int[] pa = rgb(a);
    int[] pb = rgb(b);
    int count = 0;
    for (int i = 0; i < pa.length; i++) {
      if (pa[i] != pb[i]) {
        count++;
      }
    }
    return count;
  }

  /**
   * The pixels as 0xRRGGBB, row by row. Copied onto an RGB image first: reading a decoded PNG pixel
   * by pixel through its colour model takes seconds.
   */
  private static int[] rgb(BufferedImage image) {
    BufferedImage copy =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    copy.getGraphics().drawImage(image, 0, 0, null);
    int[] pixels = ((DataBufferInt) copy.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] &= 0xffffff;
    }
    return pixels;
  }
}
