// The gRPC peers' one service, bench.Greeter from hello.proto, loaded as a grpc-js user loads it (proto-loader).

import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { HELLO_PROTO } from './common.js';

export function greeterService(): ServiceClientConstructor {
  const definition = loadPackageDefinition(loadSync(HELLO_PROTO, { keepCase: true }));
  const pkg = definition['bench'];
  const greeter = typeof pkg === 'object' && 'Greeter' in pkg ? pkg['Greeter'] : undefined;
  if (typeof greeter !== 'function' || !('service' in greeter)) throw new Error(`no bench.Greeter in ${HELLO_PROTO}`);
  return greeter;
}
