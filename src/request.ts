import { URLExt } from '@jupyterlab/coreutils';

import { ServerConnection } from '@jupyterlab/services';

/**
 * The URL namespace of the nbguard server extension.
 */
export const API_NAMESPACE = 'jupyterlab-nbguard';

/**
 * Read the `message` of an nbguard JSON error body, if it has one.
 */
function errorMessage(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && 'message' in data) {
    const message = (data as { message: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  }
  return typeof data === 'string' && data.length > 0 ? data : undefined;
}

/**
 * Call the server extension
 *
 * @param endPoint API REST end point for the extension
 * @param serverSettings The server settings to use for the request
 * @param init Initial values for the request
 * @returns The response body interpreted as JSON
 * @throws {ServerConnection.NetworkError} If the server cannot be reached
 * @throws {ServerConnection.ResponseError} If the server answers with an error status
 */
export async function requestAPI<T>(
  endPoint: string,
  serverSettings: ServerConnection.ISettings,
  init: RequestInit = {}
): Promise<T> {
  // Make request to Jupyter API
  const requestUrl = URLExt.join(
    serverSettings.baseUrl,
    API_NAMESPACE, // our server extension's API namespace
    endPoint
  );

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(
      requestUrl,
      init,
      serverSettings
    );
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }

  const text = await response.text();
  let data: unknown = text;

  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // Error pages (a 404 without the extension) are HTML: keep the text.
      if (response.ok) {
        console.error('nbguard: not a JSON response body.', response);
      }
    }
  }

  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, errorMessage(data));
  }

  return data as T;
}
