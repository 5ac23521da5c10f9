package dev.srlstream.actor;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;

/**
 * Where TensorFlow runs the policy: the devices a session sees (TF Java 1.1.0 has no Java API for
 * this, so it asks the C API's {@code TF_SessionListDevices} on a throwaway session) and which
 * native build was loaded (the CPU {@code linux-x86_64} or the CUDA {@code linux-x86_64-gpu}
 * classifier, from the path JavaCPP extracted it to). TensorFlow places the policy's ops on the
 * first GPU when one is listed, else on the CPU.
 */
final class TfDevices {
  private TfDevices() {}

  /** One device: its full name, type (CPU, GPU) and memory in bytes. */
  record Device(String name, String type, long memoryBytes) {}

  /**
   * The devices a new session sees.
   *
   * @throws IllegalStateException if TensorFlow cannot open a session
   */
  static List<Device> list() {
    TensorFlow.version(); // loads the native library
    TF_Status status = TF_NewStatus();
    TF_Graph graph = TF_NewGraph();
    TF_SessionOptions options = TF_NewSessionOptions();
    TF_Session session = null;
    TF_DeviceList devices = null;
    try {
      session = TF_NewSession(graph, options, status);
      check(status, "open a session");
      devices = TF_SessionListDevices(session, status);
      check(status, "list devices");
      List<Device> out = new ArrayList<>();
      for (int i = 0; i < TF_DeviceListCount(devices); i++) {
        out.add(
            new Device(
                TF_DeviceListName(devices, i, status).getString(),
                TF_DeviceListType(devices, i, status).getString(),
                TF_DeviceListMemoryBytes(devices, i, status)));
        check(status, "describe device " + i);
      }
      return out;
    } finally {
      if (devices != null) {
        TF_DeleteDeviceList(devices);
      }
      if (session != null) {
        TF_CloseSession(session, status);
        TF_DeleteSession(session, status);
      }
      TF_DeleteSessionOptions(options);
      TF_DeleteGraph(graph);
      TF_DeleteStatus(status);
    }
  }

  private static void check(TF_Status status, String what) {
    if (TF_GetCode(status) != TF_OK) {
      throw new IllegalStateException(
          "TensorFlow could not " + what + ": " + TF_Message(status).getString());
    }
  }

  /**
   * Where TensorFlow's JNI library was loaded from: JavaCPP extracts it under a directory named
   * after the jar, so the path shows the classifier ({@code linux-x86_64} or {@code
   * linux-x86_64-gpu}).
   */
  static String nativeLibrary() {
    TensorFlow.version();
    Map<String, String> loaded = Loader.getLoadedLibraries();
    return loaded.values().stream()
        .filter(path -> path != null && path.contains("jnitensorflow"))
        .findFirst()
        .orElse("unknown (loaded: " + loaded.keySet() + ")");
  }

  /** The device the policy's ops are placed on by default: the first GPU, else the first CPU. */
  static String policyDevice(List<Device> devices) {
    return devices.stream()
        .filter(d -> d.type().equalsIgnoreCase("GPU"))
        .findFirst()
        .or(() -> devices.stream().filter(d -> d.type().equalsIgnoreCase("CPU")).findFirst())
        .map(Device::name)
        .orElse("unknown");
  }

  /** One line for the start-up log. */
  static String describe() {
    try {
      List<Device> devices = list();
      return String.format(
          "TensorFlow %s; devices %s; the policy runs on %s; native library %s",
          TensorFlow.version(),
          devices.stream().map(d -> d.type() + " " + d.name()).toList(),
          policyDevice(devices),
          nativeLibrary());
    } catch (RuntimeException | LinkageError e) {
      return "TensorFlow devices unknown (" + e + "); native library " + nativeLibrary();
    }
  }
}
