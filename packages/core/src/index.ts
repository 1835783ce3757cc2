export { InProcessTransport, type InProcessTransportOptions } from './bus/InProcessTransport';
export { MessageBus, type MessageBusOptions } from './bus/MessageBus';
export { TopicPattern } from './bus/TopicPattern';
export { findNonSerializable } from './bus/findNonSerializable';
export { InvalidTopicError } from './errors/InvalidTopicError';
export { serializeError } from './errors/serializeError';
export { asError } from './errors/asError';
export { CORE_TOKENS } from './CORE_TOKENS';
