// Refusals of the weights layer: a corrupt, truncated, hostile or unsupported checkpoint, or a
// config.json that does not match it. One line each, naming the file and the tensor or field, so a
// front end can show the message as it is (the CLI turns it into `subtoken-lens: message`, exit 2).

export class WeightsError extends Error {
  override readonly name = 'WeightsError';
}
