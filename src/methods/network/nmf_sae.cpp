// nmf-sae: NMF-SAE (nmf-sae.txt), the unrolled L1-NMF autoencoder: an encoder for the
// abundances S, a decoder for the endmembers A, trained full-batch from a start + FCLS.
#include "unmix/nets/nmf_sae.hpp"

#include "methods/network/unrolled.hpp"
#include "unmix/abundance/fcls.hpp"

namespace unmix::internal {
namespace {

// The whole training set is one sample (the decoder weights W2 are N x r). With "initial"
// inference the FCLS abundances of A0 are the encoder's start, and also the start's scores.
NetworkOutcome TrainNmfSae(const NetworkJob& job, RunResult& out) {
  const RunOptions& o = job.in.options;
  const MatrixF& y = job.in.pixels;
  const MatrixF& a0 = job.a0;
  NetworkOutcome result;
  const MatrixF s0 = Fcls<float>(a0, job.train_pixels).abundances;
  nets::NmfSaeOptions no;
  no.layers = o.layers;
  if (o.lambda) no.lambda = *o.lambda;
  no.anchor = o.Anchor();
  nets::NmfSae<float> net(a0, s0, job.train_pixels, no);
  const Stopwatch t;
  out.training = TrainSelected(
      net, o, y, job.train_options, [&] { return net.Endmembers(); }, out);
  out.timings["train"] = t.seconds();
  const MatrixF ak = net.Endmembers();
  result.decoder = ak;
  const Stopwatch ti;
  const bool learned = o.nmf_inference == NmfInference::kLearned;
  MatrixF start = Fcls<float>(learned ? ak : a0, y).abundances;
  result.abundances = nets::NmfSaeEncode(
      net, y, start, learned ? nets::EncoderEndmembers::kLearned : nets::EncoderEndmembers::kInitial);
  if (!learned) result.start_abundances = std::move(start);
  out.timings["inference"] = ti.seconds();
  out.model = nets::Model{};
  Json(out.model->hyperparameters) = {{"layers", no.layers},
                                      {"lambda", no.lambda},
                                      {"norm_epsilon", no.norm_epsilon},
                                      {"inference", std::string(Name(o.nmf_inference))},
                                      {"step_s", net.step_s()},
                                      {"step_a", net.step_a()},
                                      {"anchor", no.anchor}};
  out.model->tensors["encoder.W1"] = net.w1();
  out.model->tensors["encoder.theta"] = net.theta();
  // The residual term of the encoder at inference: A0 or the learned A_K.
  out.model->tensors["encoder.A"] = learned ? ak : a0;
  return result;
}

// The encoder needs only W1, theta and the endmembers of its residual term; the network is
// built on a one-pixel placeholder scene and its weights replaced by the model's.
MatrixF ApplyNmfSae(const nets::Model& model, const MatrixF& pixels) {
  const MatrixF& ae = model.Tensor("encoder.A", model.bands, model.endmembers);
  nets::NmfSaeOptions no;
  no.layers = LayerCount(model, "layers", 2);
  no.norm_epsilon = NormEpsilon(model);
  const MatrixF s1 = MatrixF::Constant(model.endmembers, 1, 1.0f / static_cast<float>(model.endmembers));
  nets::NmfSae<float> net(ae, s1, ae * s1, no);
  net.w1() = model.Tensor("encoder.W1", model.endmembers, model.bands);
  net.theta() = model.Tensor("encoder.theta", model.endmembers, 1);
  const MatrixF start = Fcls<float>(ae, pixels).abundances;
  return nets::NmfSaeEncode(net, pixels, start, nets::EncoderEndmembers::kInitial);
}

}  // namespace

const Registration& NmfSaeMethod() {
  static const Registration r{
      .info = {.name = "nmf-sae",
               .description =
                   "NMF-SAE: unrolled L1-NMF autoencoder (encoder for S, decoder for A), from a start + FCLS",
               .kind = MethodKind::kNetwork,
               // nmf-sae.txt 3.1: 1000 full-batch iterations on 1000 pixels, encoder lr 1e-4, decoder 5e-4.
               .defaults = {.lambda = nets::NmfSaeOptions{}.lambda,
                            .epochs = 1000,
                            .learning_rate = 1e-4,
                            .decoder_learning_rate = 5e-4,
                            .full_batch = true,
                            .train_pixels = 1000}},
      .train = &TrainNmfSae,
      .apply = &ApplyNmfSae};
  return r;
}

}  // namespace unmix::internal
