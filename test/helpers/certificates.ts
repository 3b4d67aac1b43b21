import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A certificate and its key, as PEM text. */
export interface KeyPair {
  cert: string
  key: string
}

/** Certificates for tests of TLS, made with the openssl command: a private CA and what it signed, and a self-signed one. */
export interface TestCertificates {
  /** The CA's certificate file, for NODE_EXTRA_CA_CERTS. */
  caFile: string
  /** For localhost and 127.0.0.1, signed by the CA, valid 90 days. */
  localhost: KeyPair
  /** The same, ending in three days. */
  endingSoon: KeyPair
  /** For other.example, signed by the CA: the wrong name for localhost. */
  otherName: KeyPair
  /** For localhost, signed by itself. */
  selfSigned: KeyPair
}

/** The names a certificate for this machine is for. */
const LOCAL_NAMES = 'subjectAltName=DNS:localhost,IP:127.0.0.1'

/** Makes a CA and four certificates (P-256 keys) in a folder of their own. */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'crm-certs-'))
  const read = (name: string): KeyPair => ({
    cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
  })
  const openssl = (args: string) => execFileSync('openssl', args.split(' '), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  const newKey = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'
  // A subject is one argument: no spaces in the names below.
  openssl(`req -x509 ${newKey} -keyout ca.key -out ca.pem -days 90 -subj /O=DoctorTestCA/CN=DoctorTestCA`)
  const signed = (name: string, subject: string, extension: string, days: number): KeyPair => {
    writeFileSync(join(dir, `${name}.ext`), `${extension}\nextendedKeyUsage=serverAuth\n`)
    openssl(`req ${newKey} -keyout ${name}.key -out ${name}.csr -subj /CN=${subject}`)
    openssl(`x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out ${name}.pem -days ${days} -extfile ${name}.ext`)
    return read(name)
  }
  const localhost = signed('localhost', 'localhost', LOCAL_NAMES, 90)
  const endingSoon = signed('ending', 'localhost', LOCAL_NAMES, 3)
  const otherName = signed('other', 'other.example', 'subjectAltName=DNS:other.example', 90)
  openssl(`req -x509 ${newKey} -keyout self.key -out self.pem -days 90 -subj /CN=localhost -addext ${LOCAL_NAMES}`)
  return { caFile: join(dir, 'ca.pem'), localhost, endingSoon, otherName, selfSigned: read('self') }
}
