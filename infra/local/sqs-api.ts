// The one SQS call handlers make: SendMessage (AWS JSON 1.0), used to put a rejected message
// on a dead-letter queue with its reason. MD5 digests follow SQS so the SDK's checks pass.
import { createHash, randomUUID } from "node:crypto";

export interface DeadLetterTarget {
  send(body: string, attributes: Record<string, string>, reason: string): string;
}

interface SendMessageRequest {
  QueueUrl?: unknown;
  MessageBody?: unknown;
  MessageAttributes?: Record<string, { DataType?: string; StringValue?: string }>;
}

export class SqsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendMessage(
  request: SendMessageRequest,
  queueByUrlPath: (path: string) => DeadLetterTarget | undefined,
) {
  if (
    typeof request.QueueUrl !== "string" ||
    typeof request.MessageBody !== "string" ||
    request.MessageBody === ""
  ) {
    throw new SqsApiError(
      "InvalidParameterValue",
      "QueueUrl and a non-empty MessageBody are required.",
    );
  }
  const target = queueByUrlPath(new URL(request.QueueUrl).pathname);
  if (!target) throw new SqsApiError("QueueDoesNotExist", "The specified queue does not exist.");
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.MessageAttributes ?? {})) {
    if (value.DataType !== "String" || typeof value.StringValue !== "string") {
      throw new SqsApiError(
        "InvalidParameterValue",
        `Message attribute ${name}: only String attributes are supported locally.`,
      );
    }
    attributes[name] = value.StringValue;
  }
  const messageId = target.send(
    request.MessageBody,
    attributes,
    attributes.rejectionReason ?? "sent by a handler",
  );
  return {
    MessageId: messageId || randomUUID(),
    MD5OfMessageBody: md5(Buffer.from(request.MessageBody, "utf8")),
    ...(Object.keys(attributes).length
      ? { MD5OfMessageAttributes: md5OfStringAttributes(attributes) }
      : {}),
  };
}

const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");

/** SQS's digest of message attributes: name, type and value, each length-prefixed, in name order. */
function md5OfStringAttributes(attributes: Record<string, string>): string {
  const parts: Buffer[] = [];
  const lengthPrefixed = (value: string) => {
    const bytes = Buffer.from(value, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    lengthPrefixed(name);
    lengthPrefixed("String");
    parts.push(Buffer.from([1]));
    lengthPrefixed(attributes[name] as string);
  }
  return md5(Buffer.concat(parts));
}
