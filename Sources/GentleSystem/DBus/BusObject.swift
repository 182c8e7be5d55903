/// Describes an object exported with `BusConnection.exportObject`: its interfaces, their
/// methods (with argument names and types, which also feed `Introspect`) and signals.
public struct BusInterface: Sendable {
    public var name: String
    public var methods: [BusMethod]
    public var signals: [BusSignal]

    public init(name: String, methods: [BusMethod], signals: [BusSignal] = []) {
        self.name = name
        self.methods = methods
        self.signals = signals
    }
}

/// One named, typed argument (`occurrence: s`).
public struct BusArgument: Sendable, Equatable {
    public var name: String
    public var signature: String

    public init(_ name: String, _ signature: String) {
        self.name = name
        self.signature = signature
    }
}

public struct BusMethod: Sendable {
    public var name: String
    public var inputs: [BusArgument]
    public var outputs: [BusArgument]
    /// Runs on the bus queue with a call whose signature already matches `inputs`; it must
    /// answer with `call.reply(…)` or `call.fail(…)`, now or later.
    public var handler: @Sendable (BusMethodCall) -> Void

    public init(_ name: String, inputs: [BusArgument] = [], outputs: [BusArgument] = [],
                handler: @escaping @Sendable (BusMethodCall) -> Void) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.handler = handler
    }

    public var inputSignature: String { inputs.map(\.signature).joined() }
    public var outputSignature: String { outputs.map(\.signature).joined() }
}

public struct BusSignal: Sendable {
    public var name: String
    public var arguments: [BusArgument]

    public init(_ name: String, arguments: [BusArgument] = []) {
        self.name = name
        self.arguments = arguments
    }
}

enum BusIntrospection {
    static let doctype = """
        <!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
        """

    /// The `Introspect` answer for an object with `interfaces`, plus the standard ones sd-bus or
    /// we answer for it.
    static func xml(for interfaces: [BusInterface]) -> String {
        var lines = [doctype, "<node>"]
        lines.append("""
             <interface name="org.freedesktop.DBus.Introspectable">
              <method name="Introspect">
               <arg name="xml_data" type="s" direction="out"/>
              </method>
             </interface>
             <interface name="org.freedesktop.DBus.Peer">
              <method name="Ping"/>
              <method name="GetMachineId">
               <arg name="machine_uuid" type="s" direction="out"/>
              </method>
             </interface>
            """)
        for interface in interfaces {
            lines.append(" <interface name=\"\(escape(interface.name))\">")
            for method in interface.methods {
                if method.inputs.isEmpty && method.outputs.isEmpty {
                    lines.append("  <method name=\"\(escape(method.name))\"/>")
                    continue
                }
                lines.append("  <method name=\"\(escape(method.name))\">")
                for arg in method.inputs {
                    lines.append("   <arg name=\"\(escape(arg.name))\" type=\"\(escape(arg.signature))\" direction=\"in\"/>")
                }
                for arg in method.outputs {
                    lines.append("   <arg name=\"\(escape(arg.name))\" type=\"\(escape(arg.signature))\" direction=\"out\"/>")
                }
                lines.append("  </method>")
            }
            for signal in interface.signals {
                if signal.arguments.isEmpty {
                    lines.append("  <signal name=\"\(escape(signal.name))\"/>")
                    continue
                }
                lines.append("  <signal name=\"\(escape(signal.name))\">")
                for arg in signal.arguments {
                    lines.append("   <arg name=\"\(escape(arg.name))\" type=\"\(escape(arg.signature))\"/>")
                }
                lines.append("  </signal>")
            }
            lines.append(" </interface>")
        }
        lines.append("</node>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
