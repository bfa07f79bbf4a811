// Reading EC2 Query API responses. workerd has no DOMParser, so this is a small, strict,
// non-validating XML reader (elements, text, CDATA, the five predefined entities and numeric
// character references; comments and the XML declaration are skipped; attributes are ignored;
// a DOCTYPE is refused) plus extractors for the few response shapes the adapter uses:
//
//   <RunInstancesResponse><instancesSet><item>…instance…</item></instancesSet></RunInstancesResponse>
//   <DescribeInstancesResponse><reservationSet><item><instancesSet><item>…</item></instancesSet></item>
//     </reservationSet><nextToken>…</nextToken></DescribeInstancesResponse>
//   <StartInstancesResponse|StopInstancesResponse|TerminateInstancesResponse><instancesSet><item>
//     <instanceId/><currentState><code/><name/></currentState><previousState>…</previousState></item>…
//   <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>   (errors)
//
// Lists are `<xxxSet><item>…</item></xxxSet>`; elements are looked up by direct-child name, so a
// nested `item` (tagSet, groupSet, blockDeviceMapping) never leaks into its parent's list.
import type { InstanceState } from "../types";

/** A response the reader or an extractor could not make sense of. */
export class Ec2XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Ec2XmlError";
  }
}

export interface XmlElement {
  /** Local name (any namespace prefix removed). */
  name: string;
  children: XmlElement[];
  /** The element's own character data (not its descendants'), entities decoded. */
  text: string;
}

const PREDEFINED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&\s]{1,10});/g, (whole, entity: string) => {
    const predefined = PREDEFINED_ENTITIES[entity];
    if (predefined !== undefined) return predefined;
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(entity);
    if (numeric) {
      const codePoint = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
      if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
        throw new Ec2XmlError(`invalid character reference ${whole}`);
      }
      return String.fromCodePoint(codePoint);
    }
    throw new Ec2XmlError(`unknown entity ${whole}`);
  });
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(":");
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

/** Parses a whole document and returns its root element. Throws Ec2XmlError when malformed. */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  const n = xml.length;

  const appendText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top) {
      top.text += text;
    } else if (text.trim() !== "") {
      throw new Ec2XmlError("text outside the root element");
    }
  };

  while (i < n) {
    const lt = xml.indexOf("<", i);
    if (lt === -1) {
      appendText(decodeEntities(xml.slice(i)));
      break;
    }
    if (lt > i) appendText(decodeEntities(xml.slice(i, lt)));

    if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt + 2);
      if (end === -1) throw new Ec2XmlError("unterminated processing instruction");
      i = end + 2;
    } else if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end === -1) throw new Ec2XmlError("unterminated comment");
      i = end + 3;
    } else if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end === -1) throw new Ec2XmlError("unterminated CDATA section");
      appendText(xml.slice(lt + 9, end));
      i = end + 3;
    } else if (xml.startsWith("<!", lt)) {
      throw new Ec2XmlError("DOCTYPE and other declarations are not accepted");
    } else if (xml.startsWith("</", lt)) {
      const end = xml.indexOf(">", lt + 2);
      if (end === -1) throw new Ec2XmlError("unterminated end tag");
      const name = localName(xml.slice(lt + 2, end).trim());
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw new Ec2XmlError(`end tag </${name}> does not match <${open?.name ?? "(none)"}>`);
      }
      i = end + 1;
    } else {
      // A start tag: scan to its closing '>' outside quoted attribute values.
      let j = lt + 1;
      let quote: string | null = null;
      while (j < n) {
        const c = xml[j];
        if (quote) {
          if (c === quote) quote = null;
        } else if (c === '"' || c === "'") {
          quote = c;
        } else if (c === ">") {
          break;
        }
        j++;
      }
      if (j >= n) throw new Ec2XmlError("unterminated start tag");
      const inner = xml.slice(lt + 1, j);
      const selfClosing = inner.endsWith("/");
      const nameMatch = /^([A-Za-z_][\w.:-]*)/.exec(inner);
      if (!nameMatch?.[1]) throw new Ec2XmlError("malformed start tag");
      const element: XmlElement = { name: localName(nameMatch[1]), children: [], text: "" };
      const parent = stack[stack.length - 1];
      if (parent) {
        parent.children.push(element);
      } else if (root) {
        throw new Ec2XmlError("more than one root element");
      } else {
        root = element;
      }
      if (!selfClosing) stack.push(element);
      i = j + 1;
    }
  }
  if (stack.length > 0) throw new Ec2XmlError(`unclosed element <${stack[stack.length - 1]?.name}>`);
  if (!root) throw new Ec2XmlError("no root element");
  return root;
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

/** Trimmed text of the first direct child called `name`; null when absent or empty. */
export function childText(element: XmlElement | undefined, name: string): string | null {
  const found = child(element, name);
  if (!found) return null;
  const text = found.text.trim();
  return text === "" ? null : text;
}

/** The `<item>`s of the direct child list `setName` (empty when the list is absent). */
export function items(element: XmlElement | undefined, setName: string): XmlElement[] {
  return children(child(element, setName), "item");
}

// ── EC2 shapes ────────────────────────────────────────────────────────────────────────────────

const INSTANCE_STATES: readonly InstanceState[] = ["pending", "running", "shutting-down", "terminated", "stopping", "stopped"];

function instanceState(name: string | null, where: string): InstanceState {
  const state = INSTANCE_STATES.find((s) => s === name);
  if (!state) throw new Ec2XmlError(`unknown instance state ${JSON.stringify(name)} in ${where}`);
  return state;
}

/** The parts of an EC2 `Instance` the adapter uses. */
export interface Ec2Instance {
  instanceId: string;
  state: InstanceState;
  instanceType: string | null;
  /** ISO 8601 as EC2 sent it (the time the instance was last started). */
  launchTime: string | null;
  /** The public IPv4 address, once assigned. */
  ipAddress: string | null;
  /** `spot` or `scheduled`; absent for On-Demand instances. */
  instanceLifecycle: string | null;
  availabilityZone: string | null;
  clientToken: string | null;
  tags: Record<string, string>;
}

export function parseInstanceItem(item: XmlElement): Ec2Instance {
  const instanceId = childText(item, "instanceId");
  if (!instanceId) throw new Ec2XmlError("an instance without instanceId");
  const tags: Record<string, string> = {};
  for (const tag of items(item, "tagSet")) {
    const key = child(tag, "key")?.text;
    if (key === undefined) throw new Ec2XmlError(`a tag without key on ${instanceId}`);
    tags[key] = child(tag, "value")?.text ?? "";
  }
  return {
    instanceId,
    state: instanceState(childText(child(item, "instanceState"), "name"), instanceId),
    instanceType: childText(item, "instanceType"),
    launchTime: childText(item, "launchTime"),
    ipAddress: childText(item, "ipAddress"),
    instanceLifecycle: childText(item, "instanceLifecycle"),
    availabilityZone: childText(child(item, "placement"), "availabilityZone"),
    clientToken: childText(item, "clientToken"),
    tags,
  };
}

function expectRoot(xml: string, rootName: string): XmlElement {
  const root = parseXml(xml);
  if (root.name !== rootName) throw new Ec2XmlError(`expected <${rootName}>, got <${root.name}>`);
  return root;
}

export function parseRunInstancesResponse(xml: string): Ec2Instance[] {
  const root = expectRoot(xml, "RunInstancesResponse");
  return items(root, "instancesSet").map(parseInstanceItem);
}

export interface DescribeInstancesPage {
  instances: Ec2Instance[];
  nextToken: string | null;
}

export function parseDescribeInstancesResponse(xml: string): DescribeInstancesPage {
  const root = expectRoot(xml, "DescribeInstancesResponse");
  const instances = items(root, "reservationSet").flatMap((reservation) =>
    items(reservation, "instancesSet").map(parseInstanceItem),
  );
  return { instances, nextToken: childText(root, "nextToken") };
}

export interface InstanceStateChange {
  instanceId: string;
  currentState: InstanceState;
  previousState: InstanceState;
}

/** Start/Stop/TerminateInstances all answer a list of `InstanceStateChange`s. */
export function parseStateChangeResponse(xml: string, action: "StartInstances" | "StopInstances" | "TerminateInstances") {
  const root = expectRoot(xml, `${action}Response`);
  return items(root, "instancesSet").map((item): InstanceStateChange => {
    const instanceId = childText(item, "instanceId");
    if (!instanceId) throw new Ec2XmlError(`a state change without instanceId in ${action}`);
    return {
      instanceId,
      currentState: instanceState(childText(child(item, "currentState"), "name"), instanceId),
      previousState: instanceState(childText(child(item, "previousState"), "name"), instanceId),
    };
  });
}

export interface Ec2ErrorBody {
  code: string;
  message: string | null;
  requestId: string | null;
}

/**
 * The first error of an EC2 error document (`<Response><Errors><Error>…`), or of the generic AWS
 * Query shape (`<ErrorResponse><Error>…`) a front end may send. null when the body is not one.
 */
export function parseErrorResponse(xml: string): Ec2ErrorBody | null {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch {
    return null;
  }
  let error: XmlElement | undefined;
  let requestId: string | null = null;
  if (root.name === "Response") {
    error = child(child(root, "Errors"), "Error");
    requestId = childText(root, "RequestID") ?? childText(root, "RequestId");
  } else if (root.name === "ErrorResponse") {
    error = child(root, "Error");
    requestId = childText(root, "RequestId") ?? childText(root, "RequestID");
  }
  const code = childText(error, "Code");
  if (!code) return null;
  return { code, message: childText(error, "Message"), requestId };
}
