package dev.srlstream.policy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * The thread pools of a TensorFlow session.
 *
 * <p>Sampling speed was the same (within noise) for {@link #SINGLE}, (1, 2) and TensorFlow's
 * default on 2 cores, measured in alternation in one JVM; the setting is for sharing a machine: an
 * actor on {@link #SINGLE} leaves the other cores to a learner or to other actors.
 *
 * @param intraOp threads inside one kernel (a matmul); 0 lets TensorFlow choose (all cores)
 * @param interOp kernels run at once; 0 lets TensorFlow choose (all cores)
 */
public record SessionThreads(int intraOp, int interOp) {

  /** The settings of the first session this process opened; see {@link #processPools()}. */
  private static final AtomicReference<SessionThreads> FIRST = new AtomicReference<>();

  /** One thread for everything: a policy that leaves the other cores alone. */
  public static final SessionThreads SINGLE = new SessionThreads(1, 1);

  /** TensorFlow's default, pools sized to the machine: the policy's default. */
  public static final SessionThreads TENSORFLOW_DEFAULT = new SessionThreads(0, 0);

  public SessionThreads {
    if (intraOp < 0 || intraOp > 1024) {
      throw new IllegalArgumentException(
          "intraOp must be in 0..1024 (0: TensorFlow's choice), but was " + intraOp);
    }
    if (interOp < 0 || interOp > 1024) {
      throw new IllegalArgumentException(
          "interOp must be in 0..1024 (0: TensorFlow's choice), but was " + interOp);
    }
  }

  /**
   * The pools every session of this process actually runs on: TensorFlow sizes its process-wide
   * intra-op and inter-op thread pools by the first session a process opens, and later sessions
   * share them whatever they ask for (ConfigProto: "the first Session created in the process sets
   * the number of threads for all future sessions"). Measured here: a learner that asked for
   * TensorFlow's choice in a process whose first session was {@link #SINGLE} updated exactly as one
   * on 1 intra-op thread, and differently (by up to 3e-6 per weight) from one on 2. Empty before
   * the first session.
   */
  public static Optional<SessionThreads> processPools() {
    return Optional.ofNullable(FIRST.get());
  }

  /**
   * The intra-op thread count these settings mean on a machine with {@code processors} processors:
   * TensorFlow's choice (0) is one per processor.
   */
  public int resolvedIntraOp(int processors) {
    return intraOp == 0 ? processors : intraOp;
  }

  /** A session on {@code graph} with these pools; the caller closes it. */
  public Session open(Graph graph) {
    FIRST.compareAndSet(null, this);
    ConfigProto config =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(intraOp)
            .setInterOpParallelismThreads(interOp)
            .build();
    return new Session(graph, config);
  }
}
