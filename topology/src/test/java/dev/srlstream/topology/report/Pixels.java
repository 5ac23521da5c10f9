package dev.srlstream.topology.report;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Pixel counts of a rendered plot, for tests that check something was drawn. */
final class Pixels {

  private Pixels() {}

  /** Pixels that are not the chart background. */
  static int nonBackground(BufferedImage image) {
    // Copied onto an RGB image first: reading a decoded PNG pixel by pixel through its colour
    // model takes seconds.
    BufferedImage copy =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    copy.getGraphics().drawImage(image, 0, 0, null);
    int background = Charts.BACKGROUND.getRGB() & 0xffffff;
    int count = 0;
    for (int rgb : ((DataBufferInt) copy.getRaster().getDataBuffer()).getData()) {
      if ((rgb & 0xffffff) != background) {
        count++;
      }
    }
    return count;
  }
}
