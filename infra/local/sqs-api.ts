// The one SQS call handlers make: SendMessage (AWS JSON 1.0), used to put a rejected message
// on a dead-letter queue with its reason. MD5 digests follow SQS so the SDK's checks pass.
import { randomUUID } from "node:crypto";
import { md5, md5OfStringAttributes } from "./sqs-digests.ts";

export interface DeadLetterTarget {
  send(body: string, attributes: Record<string, string>, reason: string): string;
}

export class SqsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Every client mistake is an SqsApiError (HTTP 400); only the target's own failures throw otherwise. */
export function sendMessage(
  request: unknown,
  queueByUrlPath: (path: string) => DeadLetterTarget | undefined,
) {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    throw new SqsApiError("InvalidParameterValue", "The request body must be a JSON object.");
  }
  const { QueueUrl, MessageBody, MessageAttributes } = request as Record<string, unknown>;
  if (typeof QueueUrl !== "string" || typeof MessageBody !== "string" || MessageBody === "") {
    throw new SqsApiError(
      "InvalidParameterValue",
      "QueueUrl and a non-empty MessageBody are required.",
    );
  }
  const target = URL.canParse(QueueUrl) ? queueByUrlPath(new URL(QueueUrl).pathname) : undefined;
  if (!target) throw new SqsApiError("QueueDoesNotExist", "The specified queue does not exist.");
  const attributes = stringAttributes(MessageAttributes);
  const messageId = target.send(
    MessageBody,
    attributes,
    attributes.rejectionReason ?? "sent by a handler",
  );
  return {
    MessageId: messageId || randomUUID(),
    MD5OfMessageBody: md5(Buffer.from(MessageBody, "utf8")),
    ...(Object.keys(attributes).length
      ? { MD5OfMessageAttributes: md5OfStringAttributes(attributes) }
      : {}),
  };
}

function stringAttributes(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new SqsApiError("InvalidParameterValue", "MessageAttributes must be a map.");
  }
  const entries = Object.entries(value).map(([name, attribute]: [string, unknown]) => {
    const { DataType, StringValue } = (attribute ?? {}) as Record<string, unknown>;
    if (DataType !== "String" || typeof StringValue !== "string") {
      throw new SqsApiError(
        "InvalidParameterValue",
        `Message attribute ${name}: only String attributes are supported locally.`,
      );
    }
    return [name, StringValue] as const;
  });
  return Object.fromEntries(entries);
}
