{{/* Names and labels shared by every object. */}}
{{- define "dropin.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 40 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "dropin.labels" -}}
app.kubernetes.io/name: dropin
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one process: (dict "root" $ "service" "streams" "process" "web") */}}
{{- define "dropin.selector" -}}
app.kubernetes.io/name: dropin
app.kubernetes.io/instance: {{ .root.Release.Name }}
dropin.io/service: {{ .service }}
dropin.io/process: {{ .process }}
{{- end -}}

{{- define "dropin.image" -}}
{{- $registry := .root.Values.image.registry -}}
{{- if $registry }}{{ printf "%s/dropin-%s:%s" $registry .service .root.Values.image.tag }}{{ else }}{{ printf "dropin-%s:%s" .service .root.Values.image.tag }}{{ end -}}
{{- end -}}

{{- define "dropin.secretName" -}}{{ include "dropin.fullname" . }}-secrets{{- end -}}
{{- define "dropin.databaseSecret" -}}{{ .Values.postgresql.existingSecret | default (include "dropin.secretName" .) }}{{- end -}}
{{- define "dropin.rabbitmqSecret" -}}{{ .Values.rabbitmq.existingSecret | default (include "dropin.secretName" .) }}{{- end -}}
{{- define "dropin.jwtSecret" -}}{{ .Values.jwt.existingSecret | default (printf "%s-jwt-signing" (include "dropin.fullname" .)) }}{{- end -}}

{{/* The environment of every process of one service: (dict "root" $ "service" "auth") */}}
{{- define "dropin.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "dropin.databaseSecret" .root }}
      key: {{ if .root.Values.postgresql.existingSecret }}{{ .service }}{{ else }}database-url-{{ .service }}{{ end }}
- name: AMQP_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "dropin.rabbitmqSecret" .root }}
      key: {{ if .root.Values.rabbitmq.existingSecret }}url{{ else }}amqp-url{{ end }}
{{- if has .service (list "streams" "chat") }}
- name: PUSHER_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "dropin.secretName" .root }}
      key: pusher-secret
- name: BEAMS_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "dropin.secretName" .root }}
      key: beams-secret-key
{{- end }}
{{- if eq .service "auth" }}
- name: JWT_PRIVATE_KEY_FILE
  value: /keys/signing/jwt_ed25519.pem
- name: JWT_PUBLIC_KEY_FILE
  value: /keys/signing/jwt_ed25519.pub.pem
{{- else }}
- name: JWT_PUBLIC_KEY_FILE
  value: /keys/public/jwt_ed25519.pub.pem
{{- end }}
{{- end -}}

{{/* Key volumes: the signing key for auth, the public key for everyone else. */}}
{{- define "dropin.keyVolume" -}}
{{- if eq .service "auth" }}
- name: jwt-keys
  secret:
    secretName: {{ include "dropin.jwtSecret" .root }}
    defaultMode: 0400
{{- else }}
- name: jwt-keys
  configMap:
    name: {{ include "dropin.fullname" .root }}-jwt-public
{{- end }}
- name: tmp
  emptyDir: {}
{{- end -}}

{{- define "dropin.keyMount" -}}
- name: jwt-keys
  mountPath: {{ if eq .service "auth" }}/keys/signing{{ else }}/keys/public{{ end }}
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "dropin.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
