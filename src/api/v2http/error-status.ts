/** HTTP status of an etcd v2 error code, as etcd 2.x/3.4 answers it. */
export function statusOfErrorCode(code: number): number {
  switch (code) {
    case 100:
      return 404;
    case 101:
    case 105:
      return 412;
    case 102:
    case 108:
      return 403;
    case 110:
      return 401;
    case 300:
    case 301:
      return 500;
    default:
      return 400;
  }
}
