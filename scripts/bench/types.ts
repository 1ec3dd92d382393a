export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly detail?: string;
}

export interface StackSettings {
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly schemaRegistryUrl: string;
}
