// Placeholder: resolves the infrastructure settings for integration tests (filled in by the stack work).
export default function setup(): void {}
